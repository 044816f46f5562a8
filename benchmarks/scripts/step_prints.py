"""Forty prints: forty points for step mode to hold and let go, one at a time."""
for i in range(40):
    print(f"line {i}")
