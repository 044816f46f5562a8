"""Four processes add 1 to a shared Value 2000 times each without holding its lock across the read and the write
(``counter.value += 1`` reads, then writes): updates can be lost. It prints the total it finds, then waits for its
stdin to close so that contui can read the value after that moment."""
import sys
from multiprocessing import Process, Value

TIMES = 2000


def add(counter):
    for _ in range(TIMES):
        counter.value += 1


if __name__ == "__main__":
    counter = Value("i", 0)
    workers = [Process(target=add, args=(counter,)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("expected", 4 * TIMES)
    print("CHECK counter", counter.value)
    sys.stdin.readline()
