"""Reads a line through a module of its own (stdin_helper.py), so its code says nothing of stdin; then says it."""
from stdin_helper import ask

print("asking")
print("got", ask())
