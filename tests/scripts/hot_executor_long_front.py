"""A ThreadPoolExecutor runs 200 tiny tasks, then one that waits while 10,000 more tiny ones run to their end behind
it; then the script lets go of their futures and waits (10 s at most) until their results are gone too, before it
lets the one that waits end."""
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

N = 10_000


class Box:
    def __init__(self, n):
        self.n = n


if __name__ == "__main__":
    gate = threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        warm = [pool.submit(Box, i) for i in range(200)]
        first = pool.submit(gate.wait)
        futures = [pool.submit(Box, i) for i in range(N)]
        results = [weakref.ref(f.result()) for f in futures]
        print("sum", sum(r().n for r in results))
        del futures
        deadline = time.monotonic() + 10
        while any(r() is not None for r in results) and time.monotonic() < deadline:
            time.sleep(0.01)
        print("results let go:", all(r() is None for r in results))
        gate.set()
    print("first:", first.result(), "warm:", sum(f.result().n for f in warm))
