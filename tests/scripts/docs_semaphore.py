"""The threading documentation's connection pool: a BoundedSemaphore lets at most maxconnections clients use a
connection at once. The same with processes and a multiprocessing.BoundedSemaphore; and a release too many."""
import multiprocessing
import sys
import threading
import time

maxconnections = 2
pool_sema = threading.BoundedSemaphore(value=maxconnections)
in_use = []
in_use_lock = threading.Lock()
peak = [0]


class Connection:
    def __init__(self):
        with in_use_lock:
            in_use.append(self)
            peak[0] = max(peak[0], len(in_use))

    def close(self):
        with in_use_lock:
            in_use.remove(self)


def connectdb():
    return Connection()


def client(i):
    with pool_sema:
        conn = connectdb()
        try:
            time.sleep(0.01)  # ... use connection ...
        finally:
            conn.close()
    print(f"client {i} done")


def process_client(sema, i):
    with sema:
        print(f"process client {i} has a connection")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        multiprocessing.set_start_method(sys.argv[1])
    threads = [threading.Thread(target=client, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"never more than {maxconnections} at once:", peak[0] <= maxconnections)
    try:
        pool_sema.release()
    except ValueError as e:
        print("ValueError:", e)

    sema = multiprocessing.BoundedSemaphore(maxconnections)
    processes = [multiprocessing.Process(target=process_client, args=(sema, i)) for i in range(4)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    print("a free connection without waiting:", sema.acquire(block=False))
    sema.release()
    try:
        sema.release()
    except ValueError as e:
        print("ValueError:", e)
