"""multiprocessing.Pool().map over SHAPE_N tiny tasks (squares), the pool's start and end included.
Writes {"seconds", "n", "result" (the sum of the squares)} to SHAPE_OUT."""
import json
import multiprocessing
import os
import time

N = int(os.environ.get("SHAPE_N", "100000"))


def square(x):
    return x * x


def main():
    start = time.perf_counter()
    with multiprocessing.Pool() as pool:
        total = sum(pool.map(square, range(N)))
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": N, "result": total}, fh)


if __name__ == "__main__":
    main()
