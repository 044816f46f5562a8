"""Two children leave the run's process group with setsid(); then the main process SIGKILLs its own group, which
kills the run's reaper and itself. Under plain python the two children would sleep on, orphans nobody ends."""
import multiprocessing as mp
import os
import signal
import time


def child(started):
    os.setsid()
    started.set()
    time.sleep(60)


if __name__ == "__main__":
    children = []
    for _ in range(2):
        started = mp.Event()
        children.append(mp.Process(target=child, args=(started,)))
        children[-1].start()
        started.wait()
    print("children in sessions of their own", flush=True)
    os.killpg(0, signal.SIGKILL)
