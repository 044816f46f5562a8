"""Kills the run's reaper (its own parent) with SIGKILL, leaving two children and itself behind to sleep on: a
hostile script. contui must still end all three by --timeout, and leave nothing."""
import multiprocessing as mp
import os
import signal
import time


def child():
    time.sleep(60)


if __name__ == "__main__":
    children = [mp.Process(target=child) for _ in range(2)]
    for c in children:
        c.start()
    print("children started", flush=True)
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(60)
