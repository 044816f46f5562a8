"""Prints its own arguments (sys.argv[1:]) as a list, as `python print_args.py ARGS` would."""

import sys

print(sys.argv[1:])
