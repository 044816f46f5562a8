"""Ten children that sleep for a long time, and a parent that waits for them."""
import time
from multiprocessing import Process


def sleeper():
    time.sleep(60)


if __name__ == "__main__":
    procs = [Process(target=sleeper) for _ in range(10)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
