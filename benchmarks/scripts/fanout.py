"""BENCH_PROCS processes with BENCH_THREADS threads each, all alive together until BENCH_HOLD seconds after the last
one started; each thread takes a lock once, so the model has locks, lanes and marks to hold."""
import os
import threading
import time
from multiprocessing import Event, Process

PROCS = int(os.environ.get("BENCH_PROCS", "500"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
HOLD = float(os.environ.get("BENCH_HOLD", "1"))


def waiter(go, lock):
    with lock:
        pass
    go.wait()


def child(go):
    lock = threading.Lock()
    threads = [threading.Thread(target=waiter, args=(go, lock)) for _ in range(THREADS)]
    for t in threads:
        t.start()
    print("child up")
    for t in threads:
        t.join()


if __name__ == "__main__":
    go = Event()
    procs = [Process(target=child, args=(go,)) for _ in range(PROCS)]
    for p in procs:
        p.start()
    time.sleep(HOLD)
    go.set()
    for p in procs:
        p.join()
