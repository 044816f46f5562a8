"""Four processes add 250,000 each to one Value, each addition under the Value's own lock: a hot loop. After its
loop each process rests, then takes the lock once more; the main process prints the total."""
import multiprocessing as mp
import time

N = 250_000


def add(counter, n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1
    time.sleep(0.5)  # the rate drops to nothing: the lock is no longer hot
    with counter.get_lock():
        pass
    print("added", n)


if __name__ == "__main__":
    counter = mp.Value("i", 0)
    procs = [mp.Process(target=add, args=(counter, N)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("total", counter.value)
