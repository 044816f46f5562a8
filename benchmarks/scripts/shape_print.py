"""A print loop: SHAPE_N lines of print("line", i), the last flushed. Writes {"seconds", "n", "result"} to
SHAPE_OUT. Run with stdout a pipe, it is block-buffered as a student's `script.py | less` is."""
import json
import os
import sys
import time

N = int(os.environ.get("SHAPE_N", "200000"))


def main():
    start = time.perf_counter()
    for i in range(N):
        print("line", i)
    sys.stdout.flush()
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": N, "result": N}, fh)


if __name__ == "__main__":
    main()
