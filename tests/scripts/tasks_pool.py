"""A Pool's tasks: apply_async, a map in chunks, a task that raises, and one that runs while the script looks.

Each CHECK line says what the pool's tasks are at that moment (a test folds the events up to it and compares)."""
import multiprocessing as mp

from tasks_common import blocks, fails, init, square

if __name__ == "__main__":
    started, go = mp.Event(), mp.Event()
    with mp.Pool(2, initializer=init, initargs=(started, go)) as pool:
        print("apply", pool.apply_async(square, (7,)).get())
        print("map", pool.map(square, range(8), chunksize=3))
        try:
            pool.apply_async(fails, (1,)).get()
        except ValueError as exc:
            print("error", exc)
        print("CHECK done 4 failed 1 running 0")
        blocked = pool.apply_async(blocks, (5,))
        started.wait()
        print("CHECK done 4 failed 1 running 1")
        try:
            blocked.get(timeout=0.01)  # it cannot be done: it waits for go
        except mp.TimeoutError:
            print("not yet")
        go.set()
        print("blocked", blocked.get())
        print("CHECK done 5 failed 1 running 0")
