"""A SyncManager's dict, list and Lock used from a child, and a BaseManager subclass of the script's own; CHECK lines
say the server's pid and how many calls the script made."""
from multiprocessing import Process
from multiprocessing.managers import BaseManager, SyncManager


class Tally:
    def __init__(self):
        self.n = 0

    def add(self, k):
        self.n += k
        return self.n


class TallyManager(BaseManager):
    pass


TallyManager.register("Tally", Tally)


def work(d, l, lock):
    for i in range(5):
        d[i] = i * i
    with lock:
        l.append("child")
    print("CHECK child set 5 appended 1")


if __name__ == "__main__":
    manager = SyncManager()
    manager.start()
    print("CHECK server", manager._process.pid)
    d = manager.dict()
    l = manager.list()
    lock = manager.Lock()
    p = Process(target=work, args=(d, l, lock))
    p.start()
    p.join()
    print(sorted(d.items()), list(l))
    with TallyManager() as tallies:
        tally = tallies.Tally()
        print("tally", tally.add(2), tally.add(3))
        print("CHECK tally server", tallies._process.pid)
    manager.shutdown()
