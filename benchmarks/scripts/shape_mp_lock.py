"""A tight multiprocessing.Lock acquire+release loop in one process: SHAPE_N pairs, or fewer if SHAPE_BUDGET
seconds run out first. Writes {"seconds", "n", "result"} to SHAPE_OUT (see shape_thread_lock.py)."""
import json
import multiprocessing
import os
import time

N = int(os.environ.get("SHAPE_N", "300000"))
BUDGET = float(os.environ.get("SHAPE_BUDGET", "0")) or float("inf")


def main():
    lock = multiprocessing.Lock()
    done = 0
    start = time.perf_counter()
    deadline = start + BUDGET
    while done < N:
        for _ in range(min(1000, N - done)):
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
