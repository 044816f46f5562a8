"""A module of the script's own that reads stdin: stdin_via_helper.py's code does not show that it does."""


def ask() -> str:
    return input()
