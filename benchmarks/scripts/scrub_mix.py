"""A long run of many kinds of event, for scrubbing: BENCH_PROCS processes take a shared lock, pass items through a
shared queue and print, BENCH_ROUNDS times each (about 6 events a round)."""
import os
from multiprocessing import Lock, Process, Queue

PROCS = int(os.environ.get("BENCH_PROCS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40000"))


def worker(n, lock, queue):
    for i in range(ROUNDS):
        with lock:
            queue.put(i)
        queue.get()
        if i % 4 == 0:
            print(f"worker {n}: round {i}")


if __name__ == "__main__":
    lock, queue = Lock(), Queue()
    procs = [Process(target=worker, args=(n, lock, queue)) for n in range(PROCS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
