"""Conditions at chosen moments, each announced by a CHECK line that says what the script itself knows then:

- a threading.Condition with two threads in its wait(), while the main thread holds its lock; then notify(1),
  which wakes the one that waited longest;
- an mp.Condition with two processes in its wait(), while the main process holds its lock.
"""
import multiprocessing as mp
import queue
import threading

from sync_common import start_method_from_argv


def consume(cv, ready, items, who):
    with cv:
        ready.put(who)  # while holding the lock: when the main thread gets it, this one is in wait()
        while not items:
            cv.wait()
        print("consumed", items.pop(0))


def wait_in_process(cv, ready):
    with cv:
        ready.put(mp.current_process().name)
        cv.wait()
    print("woken", mp.current_process().name)


if __name__ == "__main__":
    start_method_from_argv()
    cv = threading.Condition()
    items = []
    ready = queue.Queue()
    threads = []
    for name in ("first", "second"):
        t = threading.Thread(target=consume, args=(cv, ready, items, name), name=name)
        t.start()
        ready.get()  # in this order: "first" waits before "second" does
        threads.append(t)
    with cv:
        print(f"CHECK cv room={len(cv._waiters)} owner={threading.current_thread().name}")
        items.append("item-1")
        cv.notify()
        print(f"CHECK cv notified room={len(cv._waiters)} owner={threading.current_thread().name}")
    with cv:
        items.append("item-2")
        cv.notify()
    for t in threads:
        t.join()
    print("CHECK cv room=0 free")

    mcv = mp.Condition()
    mready = mp.Queue()
    procs = [mp.Process(target=wait_in_process, args=(mcv, mready), name=f"waiter-{i}") for i in (1, 2)]
    for p in procs:
        p.start()
    for _ in procs:
        mready.get()
    with mcv:
        print(f"CHECK mcv room=2 owner={threading.current_thread().name}")
        mcv.notify_all()
    for p in procs:
        p.join()
    print("CHECK mcv room=0 free")
