"""Raises in a child process, in a thread (inside time.sleep, which the tracer wraps) and in the main thread (inside
a lock's acquire, which the tracer wraps too): each traceback must read as under plain python, with no frame of
contui's own code in it."""
import multiprocessing as mp
import threading
import time


def in_child():
    raise ValueError("child")


def in_thread():
    time.sleep(-1)


if __name__ == "__main__":
    child = mp.Process(target=in_child)
    child.start()
    child.join()
    thread = threading.Thread(target=in_thread, name="sleeper")
    thread.start()
    thread.join()
    threading.Lock().acquire(timeout=-5)
