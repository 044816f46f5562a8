"""Writes argv[1] times "x" to stdout in one write, with no newline at all."""
import sys

sys.stdout.write("x" * int(sys.argv[1]))
