"""Every thread but one waits, with no timeout, while the last one sleeps, then wakes them all: a consumer waits for
a queue's item, workers wait for an event, a parent joins a child that sleeps. Slow, never stalled."""
import queue
import threading
import time
from multiprocessing import Process

jobs = queue.Queue()
ready = threading.Event()


def consumer():
    print("consumer got", jobs.get())


def waiter():
    ready.wait()
    print("waiter saw the flag")


def napper():
    time.sleep(1.5)


if __name__ == "__main__":
    threads = [threading.Thread(target=consumer), threading.Thread(target=waiter)]
    for t in threads:
        t.start()
    child = Process(target=napper)
    child.start()
    child.join()  # 1.5 s: every other thread waits for ever, the child sleeps
    jobs.put("job")
    ready.set()
    for t in threads:
        t.join()
    print("done")
