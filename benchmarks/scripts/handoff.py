"""Two processes hand one lock back and forth: each holds it for BENCH_HOLD seconds, BENCH_TURNS times."""
import os
import time
from multiprocessing import Lock, Process

HOLD = float(os.environ.get("BENCH_HOLD", "0.1"))
TURNS = int(os.environ.get("BENCH_TURNS", "15"))


def worker(lock):
    for _ in range(TURNS):
        with lock:
            time.sleep(HOLD)
        time.sleep(HOLD / 2)


if __name__ == "__main__":
    lock = Lock()
    procs = [Process(target=worker, args=(lock,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
