"""A producer process puts argv[1] ints into an mp.Queue; main gets them all and prints how many it got."""
from __future__ import annotations

import sys
from multiprocessing import Process, Queue, queues


def produce(q: queues.Queue[int], n: int) -> None:
    for i in range(n):
        q.put(i)


if __name__ == "__main__":
    n = int(sys.argv[1])
    q: queues.Queue[int] = Queue()
    producer = Process(target=produce, args=(q, n))
    producer.start()
    got = 0
    for _ in range(n):
        q.get()
        got += 1
    producer.join()
    print(f"got {got} items")
