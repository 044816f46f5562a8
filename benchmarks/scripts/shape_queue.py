"""mp.Queue between two processes: a child puts SHAPE_N numbers, the main process gets them all and adds them up.
Writes {"seconds", "n", "result" (the sum)} to SHAPE_OUT; the time runs from the child's start to its join."""
import json
import multiprocessing
import os
import time

N = int(os.environ.get("SHAPE_N", "100000"))


def producer(q, n):
    for i in range(n):
        q.put(i)


def main():
    q = multiprocessing.Queue()
    start = time.perf_counter()
    child = multiprocessing.Process(target=producer, args=(q, N))
    child.start()
    total = 0
    for _ in range(N):
        total += q.get()
    child.join()
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": N, "result": total}, fh)


if __name__ == "__main__":
    main()
