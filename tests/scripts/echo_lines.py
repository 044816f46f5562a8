"""Prints each line of its stdin as it comes, then EOF once stdin ends (Ctrl+D in the app's stdin line)."""
import sys

for line in sys.stdin:
    print("got:", line.rstrip("\n"))
print("EOF")
