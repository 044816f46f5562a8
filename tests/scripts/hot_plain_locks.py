"""A threading.Lock and a multiprocessing Lock, each taken 50,000 times in a tight loop whose last hold lasts 0.3 s:
while it lasts, the summaries must name the thread that holds the lock (a hot plain lock's release is the raw one,
so who holds it is asked of the lock itself). Then another threading.Lock the same way, with ``with``."""
import multiprocessing
import threading
import time

N = 50_000


def loop(lock, name):
    for i in range(N):
        lock.acquire()
        if i == N - 1:
            print(f"{name} held by", threading.get_native_id())
            time.sleep(0.3)
        lock.release()
    with lock:  # after the loop: an ordinary acquire again
        pass


def with_loop(lock, name):
    for i in range(N):
        with lock:
            if i == N - 1:
                print(f"{name} held by", threading.get_native_id())
                time.sleep(0.3)
    with lock:
        pass


if __name__ == "__main__":
    loop(threading.Lock(), "thread lock")
    loop(multiprocessing.Lock(), "mp lock")
    with_loop(threading.Lock(), "with lock")
