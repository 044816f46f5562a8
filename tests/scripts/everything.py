"""Every traced primitive at once: processes (function and subclass), threads, locks, queues."""
import threading
import time
from multiprocessing import JoinableQueue, Lock, Process, Queue


def task(name):
    print('%s is running' % name)
    time.sleep(0.2)
    print('%s is done' % name)


class Worker(Process):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def run(self):
        print('%s runs in a subclass' % self.name)


def buyer(n, mutex):
    with mutex:
        print('buyer %d holds the lock' % n)
        time.sleep(0.1)
    mutex.acquire()
    print('buyer %d again' % n)
    mutex.release()


def slow_getter(q):
    time.sleep(0.5)
    print('took', q.get())


def consumer(jq):
    while True:
        item = jq.get()
        print('ate', item, flush=True)  # a daemon is killed at exit: unflushed output would be lost
        jq.task_done()


def count(tlock, totals, n):
    for _ in range(3):
        with tlock:
            totals[n] = totals.get(n, 0) + 1
    print('thread %d counted' % n)


if __name__ == '__main__':
    p = Process(target=task, args=('alex',))
    p.start()
    w = Worker('worker-1')
    w.start()

    mutex = Lock()
    buyers = [Process(target=buyer, args=(i, mutex)) for i in range(3)]
    for b in buyers:
        b.start()

    tlock = threading.Lock()
    totals = {}
    threads = [threading.Thread(target=count, args=(tlock, totals, i)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('threads total', sum(totals.values()))

    q = Queue(3)
    for item in ('first', 2, {'count': 3}):
        q.put(item)
    g = Process(target=slow_getter, args=(q,))
    g.start()
    q.put('fourth')  # blocks until slow_getter takes one
    for _ in range(3):
        print(q.get())
    g.join()

    jq = JoinableQueue()
    c = Process(target=consumer, args=(jq,), daemon=True)
    c.start()
    for i in range(4):
        jq.put('peach%d' % i)
    jq.join()

    for proc in [p, w, *buyers]:
        proc.join()
    print('主')
