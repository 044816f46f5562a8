"""What the tasks_*.py scripts share: their tasks, and a run of an executor that prints CHECK lines saying what its
tasks are at that moment (a test folds the events up to each line and compares)."""

import threading

started = go = None  # the events blocks() uses: init() sets them, in the script or in each worker process


def init(started_event, go_event):
    global started, go
    started, go = started_event, go_event


def square(x):
    return x * x


def fails(x):
    raise ValueError(f"bad {x}")


def blocks(x):
    started.set()
    go.wait()
    return x


def use(executor, map_tasks):
    """submit, map (``map_tasks``: how many tasks the executor makes of it), a task that raises, one that runs
    while the script looks, and a done callback on it."""
    print("submit", executor.submit(square, 4).result())
    print("map", list(executor.map(square, range(5), chunksize=2)))
    try:
        executor.submit(fails, 2).result()
    except ValueError as exc:
        print("error", exc)
    print(f"CHECK done {1 + map_tasks} failed 1 running 0")
    blocked = executor.submit(blocks, 5)
    started.wait()
    print(f"CHECK done {1 + map_tasks} failed 1 running 1")
    try:
        blocked.result(timeout=0.01)  # it cannot be done: it waits for go
    except TimeoutError:
        print("not yet")
    # it cannot be done yet: the callback runs where its result is set, and prints alone (this thread waits for it)
    called = threading.Event()
    blocked.add_done_callback(lambda f: (print("callback", f.result()), called.set()))
    go.set()
    called.wait()
    print("blocked", blocked.result())
    print(f"CHECK done {2 + map_tasks} failed 1 running 0")
