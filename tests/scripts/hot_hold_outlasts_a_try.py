"""Two threading.Locks, each taken by ``with`` in a hot loop (of 20,000 and 20,001 holds); the last hold of each lasts
until another thread, once the loop's rate has dropped, has tried the lock and failed. Then the lock is let go and
the script rests."""
import threading
import time


def try_it(lock, tried):
    time.sleep(0.5)  # the rate drops to nothing: the lock is no longer hot
    print("try while held:", lock.acquire(False))
    tried.set()


for n in (20_000, 20_001):
    lock, tried = threading.Lock(), threading.Event()
    for i in range(n):
        with lock:
            if i == n - 1:
                threading.Thread(target=try_it, args=(lock, tried)).start()
                tried.wait()
time.sleep(0.3)  # nothing more happens to the locks: what is shown now must be what is
print("let go")
