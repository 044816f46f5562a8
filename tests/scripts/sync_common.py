"""What the sync_*.py scripts share: the start method from the command line, and waiting for a condition the
script can see (with a deadline, never a blind sleep)."""
import multiprocessing as mp
import sys
import time


def start_method_from_argv():
    if len(sys.argv) > 1:
        mp.set_start_method(sys.argv[1])


def until(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.005)


def start(worker, target, args, label, n):
    """``n`` threads or processes (``worker`` is the class) named ``label-0`` ... running ``target(*args)``."""
    workers = [worker(target=target, args=args, name=f"{label}-{i}") for i in range(n)]
    for w in workers:
        w.start()
    return workers


def join(workers):
    for w in workers:
        w.join()
