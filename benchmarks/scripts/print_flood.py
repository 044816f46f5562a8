"""A print flood: one process prints BENCH_LINES short lines in a tight loop. After the first BENCH_PAUSE_AT lines it
prints "paused" and waits for a line on stdin (so whoever watches can look at a quiet run), and after the last it
prints "flood done" and waits again before it ends."""
import os
import sys

LINES = int(os.environ.get("BENCH_LINES", "1000000"))
PAUSE_AT = int(os.environ.get("BENCH_PAUSE_AT", "0"))

for start, stop in ((0, min(PAUSE_AT, LINES)), (min(PAUSE_AT, LINES), LINES)):
    for i in range(start, stop):
        print(f"flood line {i}")
    print("paused" if stop < LINES else "flood done", flush=True)
    sys.stdin.readline()
