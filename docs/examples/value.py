"""Value and Array: two processes add to a shared multiprocessing.Value under its lock and fill a shared Array.

In contui's Queues pane the value and the array show what contui read from the processes' memory, and who holds
the value's lock. Each worker waits before its last step: press Enter (in contui: i, then Enter) to let them finish.
"""
import multiprocessing as mp


def worker(i, counter, squares, last_step):
    for _ in range(1000):
        with counter.get_lock():
            counter.value += 1
    squares[i] = i * i
    last_step.wait()
    with counter.get_lock():
        counter.value += 1


if __name__ == "__main__":
    counter = mp.Value("i", 0)
    squares = mp.Array("i", 4)
    last_step = mp.Event()
    workers = [mp.Process(target=worker, args=(i, counter, squares, last_step), name=f"worker-{i}")
               for i in (1, 2)]
    for w in workers:
        w.start()
    print("press Enter to let the workers take their last step")
    input()
    last_step.set()
    for w in workers:
        w.join()
    print("counter:", counter.value)
    print("squares:", squares[:])
