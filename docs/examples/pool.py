"""Pool: a multiprocessing.Pool of two workers, five tasks; two run (and wait), three wait for a worker.

In contui the tree shows each worker process with the task it runs now, and the Queues pane has the pool's card: its
tasks queued, running and done, each worker, the last results. Press Enter (in contui: i, then Enter) to let the
tasks finish.
"""
import multiprocessing as mp

finish = None


def init(event):
    global finish
    finish = event


def slow_square(x):
    finish.wait()
    return x * x


if __name__ == "__main__":
    may_finish = mp.Event()
    with mp.Pool(2, initializer=init, initargs=(may_finish,)) as pool:
        results = [pool.apply_async(slow_square, (x,)) for x in range(5)]
        print("press Enter to let the tasks finish")
        input()
        may_finish.set()
        print([r.get() for r in results])
