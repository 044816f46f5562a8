"""A small tree made at once and kept busy for about 5 s: main starts 3 processes, the first of which starts a child
of its own and a thread; some of them print. For ``contui run`` SIGKILLed at a random moment."""
import threading
import time
from multiprocessing import Process

SECONDS = 5.0
STEPS = 10


def busy(name: str, loud: bool) -> None:
    """Sleep SECONDS in STEPS, printing a line at each one if ``loud``."""
    for step in range(STEPS):
        if loud:
            print(f"{name} {step}", flush=True)
        time.sleep(SECONDS / STEPS)


def parent(name: str) -> None:
    """A child process and a thread of its own, busy beside it."""
    child = Process(target=busy, args=(f"{name}.child", True))
    child.start()
    thread = threading.Thread(target=busy, args=(f"{name}.thread", False))
    thread.start()
    busy(name, True)
    thread.join()
    child.join()


if __name__ == "__main__":
    procs = [Process(target=parent, args=("p0",)), Process(target=busy, args=("p1", True)),
             Process(target=busy, args=("p2", False))]
    for p in procs:
        p.start()
    busy("main", True)
    for p in procs:
        p.join()
