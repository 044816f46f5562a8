"""BENCH_PROCS processes emitting about BENCH_RATE events/s in all, for BENCH_SECONDS: a lock pair and a sleep per
step (4 events: sleep begin/end, acquire, release), paced against a deadline so the rate holds."""
import os
import threading
import time
from multiprocessing import Process

PROCS = int(os.environ.get("BENCH_PROCS", "4"))
RATE = float(os.environ.get("BENCH_RATE", "1000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))


def worker():
    lock = threading.Lock()
    step = 4 * PROCS / RATE
    start = time.monotonic()
    n = 0
    while True:
        n += 1
        due = start + n * step
        if due > start + SECONDS:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        with lock:
            pass


if __name__ == "__main__":
    procs = [Process(target=worker) for _ in range(PROCS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
