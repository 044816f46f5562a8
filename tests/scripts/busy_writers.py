"""20 processes print numbered lines in a tight loop, as fast as they can."""
from multiprocessing import Process

LINES = 20000


def writer(n):
    for i in range(LINES):
        print(n, i)


if __name__ == '__main__':
    procs = [Process(target=writer, args=(n,)) for n in range(20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
