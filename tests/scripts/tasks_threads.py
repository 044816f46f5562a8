"""A ThreadPoolExecutor's tasks (see tasks_common.use: each item of its map is a task of its own); and asyncio's own
executor, which is the standard library's and not reported."""
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import tasks_common


async def in_default_executor():
    return await asyncio.get_running_loop().run_in_executor(None, tasks_common.square, 3)


if __name__ == "__main__":
    tasks_common.init(threading.Event(), threading.Event())
    with ThreadPoolExecutor(max_workers=2) as executor:
        tasks_common.use(executor, map_tasks=5)
    print("asyncio", asyncio.run(in_default_executor()))
