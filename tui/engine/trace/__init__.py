"""What runs inside scenario processes: installed before the script, it reports what the script does as events.

Everything here is loaded into every traced process, so it imports as little as it can (no ``typing`` at run time,
heavy modules only when first needed): each page of memory a process holds is copied at every fork it makes, and a
script that starts many short processes pays for it at each one.
"""
