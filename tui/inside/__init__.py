"""What runs inside a run: the reaper and every traced process (the tracer, its emitter, the wire format).

Nothing here imports contui's own side (``tui.engine``, Textual). Everything here is loaded into every traced process,
so it imports as little as it can (no ``typing`` at run time, heavy modules only when first needed): each page of
memory a process holds is copied at every fork it makes, and a script that starts many short processes pays for it at
each one. contui's side imports from here only the pieces both ends share: ``kinds``, ``env``, ``frames``, ``control``.
"""
