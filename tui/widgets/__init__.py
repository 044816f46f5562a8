"""Textual widgets of the contui app: the model panes and the app shell's pieces."""
