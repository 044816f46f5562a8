"""The thread queues (queue.Queue, LifoQueue, PriorityQueue, SimpleQueue), used in a child process: each CHECK line
says what the queue holds, in the order it will give the items out, or what it counted."""
import queue
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Process


def order(name, items):
    print("CHECK", name, [repr(x) for x in items])


def main():
    fifo = queue.Queue()
    for item in ("a", "b", "c"):
        fifo.put(item)
    order("fifo", fifo.queue)
    print("unfinished", fifo.unfinished_tasks)

    def worker():
        while True:
            item = fifo.get()
            print("working on", item)
            fifo.task_done()

    threading.Thread(target=worker, daemon=True).start()
    fifo.join()
    print("CHECK fifo []")

    stack = queue.LifoQueue()
    for item in (1, 2, 3, 2):
        stack.put(item)
    order("stack", reversed(stack.queue))
    print("got", stack.get(), stack.get())
    order("stack", reversed(stack.queue))

    jobs = queue.PriorityQueue(maxsize=4)
    for item in ((5, "e"), (1, "a"), (3, "c"), (1, "b")):
        jobs.put(item)
    order("jobs", sorted(jobs.queue))
    try:
        jobs.put_nowait((0, "z"))  # full: refused at once
    except queue.Full:
        print("refused: full")
    print("got", jobs.get())
    order("jobs", sorted(jobs.queue))

    bounded = queue.Queue(maxsize=1)
    bounded.put("x")
    try:
        bounded.put("y", timeout=0.05)  # waits, then times out
    except queue.Full:
        print("timed out: full")
    bounded.get()
    try:
        bounded.get_nowait()  # empty: refused at once
    except queue.Empty:
        print("refused: empty")
    print("CHECK bounded timeouts 1 refused_puts 0 refused_gets 1")

    simple = queue.SimpleQueue()
    simple.put("s")
    print("got", simple.get(), isinstance(simple, queue.SimpleQueue), type(simple).__name__)
    try:
        simple.get(timeout=0.05)
    except queue.Empty:
        print("timed out: empty")

    with ThreadPoolExecutor(2) as executor:  # its own queue is the standard library's, not the script's
        print(sorted(executor.map(abs, (-1, -2))))
    sys.stdout.flush()


if __name__ == "__main__":
    p = Process(target=main)
    p.start()
    p.join()
    print("exit", p.exitcode)
