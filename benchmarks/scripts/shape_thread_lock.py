"""A tight threading.Lock acquire+release loop: SHAPE_N pairs, or fewer if SHAPE_BUDGET seconds run out first.

Like every shape_*.py script: times its own work (perf_counter around it, start-up left out) and writes
{"seconds", "n" (operations done), "result"} as JSON to the file named by SHAPE_OUT.
"""
import json
import os
import threading
import time

N = int(os.environ.get("SHAPE_N", "1000000"))
BUDGET = float(os.environ.get("SHAPE_BUDGET", "0")) or float("inf")  # seconds; 0: no limit


def main():
    lock = threading.Lock()
    done = 0
    start = time.perf_counter()
    deadline = start + BUDGET
    while done < N:
        for _ in range(min(1000, N - done)):  # the clock is read once per thousand pairs, not in the loop
            lock.acquire()
            lock.release()
        done += min(1000, N - done)
        if time.perf_counter() > deadline:
            break
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": done, "result": done}, fh)


if __name__ == "__main__":
    main()
