"""A ProcessPoolExecutor's tasks (see tasks_common.use: its map of five items is three chunks of two)."""
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

import tasks_common

if __name__ == "__main__":
    events = mp.Event(), mp.Event()
    tasks_common.init(*events)
    with ProcessPoolExecutor(max_workers=2, initializer=tasks_common.init, initargs=events) as executor:
        tasks_common.use(executor, map_tasks=3)
