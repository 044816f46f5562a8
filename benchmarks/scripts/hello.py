"""Says hello and ends."""
print("hello")
