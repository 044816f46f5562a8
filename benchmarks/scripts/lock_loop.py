"""BENCH_PROCS processes, each taking and releasing its own lock BENCH_PAIRS times as fast as it can."""
import os
import threading
from multiprocessing import Process

PROCS = int(os.environ.get("BENCH_PROCS", "8"))
PAIRS = int(os.environ.get("BENCH_PAIRS", "20000"))


def worker():
    lock = threading.Lock()
    for _ in range(PAIRS):
        lock.acquire()
        lock.release()


if __name__ == "__main__":
    procs = [Process(target=worker) for _ in range(PROCS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
