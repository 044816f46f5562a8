"""Prints which of multiprocessing's optional parts a script that only starts a Process has loaded."""
import multiprocessing
import sys

OPTIONAL = ["multiprocessing.queues", "multiprocessing.synchronize", "multiprocessing.popen_forkserver", "typing"]


def child():
    pass


if __name__ == "__main__":
    p = multiprocessing.Process(target=child)
    p.start()
    p.join()
    print("loaded:", [name for name in OPTIONAL if name in sys.modules])
    lock = multiprocessing.Lock()  # loads synchronize now: the tracer must still see this lock
    with lock:
        print("locked")
