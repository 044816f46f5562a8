"""Starts and joins two processes, one after the other; then its main thread ends while a thread of its own sleeps."""
import multiprocessing
import sys
import threading
import time


def child() -> None:
    pass


if __name__ == "__main__":
    print("sysconfig loaded:", "sysconfig" in sys.modules)
    for _ in range(2):
        p = multiprocessing.Process(target=child)
        p.start()
        p.join()
    threading.Thread(target=time.sleep, args=(0.5,), name="sleeper").start()
    print("main done")
