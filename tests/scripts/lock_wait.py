"""The main process holds a lock for as long as its child tries to take it: the child must wait, then give up."""
from multiprocessing import Lock, Process


def try_it(mutex):
    print('got it' if mutex.acquire(timeout=0.2) else 'gave up')


if __name__ == '__main__':
    mutex = Lock()
    mutex.acquire()
    p = Process(target=try_it, args=(mutex,))
    p.start()
    p.join()  # still holding the lock: the child's whole try falls while it is held
    mutex.release()
    print('released')
