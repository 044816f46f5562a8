"""A trivial script: says hello and ends (its figure is the whole command's wall time, start-up included)."""
print("hello, world")
