"""The documentation's Manager example (a dict and a list proxy), with a Lock proxy guarding the child's writes."""
from multiprocessing import Manager, Process


def f(d, l, lock):
    with lock:
        d[1] = '1'
        d['2'] = 2
        d[0.25] = None
    l.reverse()


if __name__ == '__main__':
    with Manager() as manager:
        d = manager.dict()
        l = manager.list(range(10))
        lock = manager.Lock()

        p = Process(target=f, args=(d, l, lock))
        p.start()
        p.join()

        print(d)
        print(l)
