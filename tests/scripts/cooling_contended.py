"""An mp.Lock taken in a hot loop, then left to cool while another process takes it and holds it: the main
process's next try finds it held (and fails); then the other lets go and the main process takes it."""
import multiprocessing as mp
import time


def hold(lock, holding, done):
    with lock:
        holding.set()
        done.wait()


if __name__ == "__main__":
    lock = mp.Lock()
    for _ in range(5000):
        with lock:
            pass
    holding, done = mp.Event(), mp.Event()
    holder = mp.Process(target=hold, args=(lock, holding, done))
    holder.start()
    holding.wait()
    time.sleep(0.5)  # the rate drops to nothing: the lock is no longer hot here
    print("try while held:", lock.acquire(False))
    done.set()
    with lock:
        print("taken")
    holder.join()
