"""A child exits at once; the parent sleeps without joining (a zombie), then joins (reaped)."""
import time
from multiprocessing import Process


def quick():
    print('child done')


if __name__ == '__main__':
    p = Process(target=quick)
    p.start()
    time.sleep(1.5)
    p.join()
    time.sleep(0.5)
    print('parent done')
