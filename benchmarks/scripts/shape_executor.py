"""A concurrent.futures.ThreadPoolExecutor running SHAPE_N tiny tasks, each submitted and its result taken.
Writes {"seconds", "n", "result" (the sum of the results)} to SHAPE_OUT."""
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

N = int(os.environ.get("SHAPE_N", "10000"))


def task(x):
    return x * 2


def main():
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(task, i) for i in range(N)]
        total = sum(f.result() for f in futures)
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": N, "result": total}, fh)


if __name__ == "__main__":
    main()
