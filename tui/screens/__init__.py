"""Screens of the contui app other than the main one."""
