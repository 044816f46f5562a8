"""A mixed workload: 8 processes, each with its own two threading locks, its own mp.Lock and its own mp.Queue to the
main process, doing SHAPE_N rounds of: a counter under one lock, a put, a tally under the other locks, and a print
at one of three code sites now and then. The main process gets every item. Writes {"seconds", "n" (rounds in all),
"result" (the sum of every item got)} to SHAPE_OUT; the time runs from the first start to the last join."""
import json
import multiprocessing
import os
import threading
import time

N = int(os.environ.get("SHAPE_N", "5000"))
PROCS = 8


def worker(k, n, mp_lock, q):
    counter_lock, tally_lock = threading.Lock(), threading.Lock()
    counter = tally = 0
    print(f"worker {k} starts")
    for i in range(n):
        with counter_lock:
            counter += 1
        q.put(i)
        with tally_lock:
            with mp_lock:
                tally += i
        if i % 100 == 0:
            print(f"worker {k}: {i} of {n}")
        elif i % 100 == 50:
            print(f"worker {k}: tally {tally}")
    q.put(None)
    print(f"worker {k} done: {counter}")


def main():
    locks = [multiprocessing.Lock() for _ in range(PROCS)]
    queues = [multiprocessing.Queue() for _ in range(PROCS)]
    start = time.perf_counter()
    procs = [multiprocessing.Process(target=worker, args=(k, N, locks[k], queues[k])) for k in range(PROCS)]
    for p in procs:
        p.start()
    total = 0
    for q in queues:
        while (item := q.get()) is not None:
            total += item
    for p in procs:
        p.join()
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": N * PROCS, "result": total}, fh)


if __name__ == "__main__":
    main()
