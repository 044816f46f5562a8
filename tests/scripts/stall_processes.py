"""A child waits for an item of a multiprocessing queue that nobody fills; its parent joins it: every thread of the
run waits, with no timeout, and no one is left to wake them."""
from multiprocessing import Process, Queue


def worker(q):
    print("worker waits for a job")
    q.get()


if __name__ == "__main__":
    q = Queue()
    p = Process(target=worker, args=(q,))
    p.start()
    p.join()
