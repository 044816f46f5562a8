"""20 processes print numbered lines in a tight loop, as fast as they can, then stay a second: a test that kills
writers at random moments of their writing finds each still there, however busy the machine is."""
from multiprocessing import Process
import time

LINES = 20000


def writer(n):
    for i in range(LINES):
        print(n, i)
    time.sleep(1)


if __name__ == '__main__':
    procs = [Process(target=writer, args=(n,)) for n in range(20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
