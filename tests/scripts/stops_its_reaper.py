"""Stops the run's reaper (its own parent) with SIGSTOP, leaving two children (one in a session of its own) and
itself to sleep on: a hostile script. A stopped process cannot act on SIGTERM or on its control pipe closing, so
contui must wake it, whether contui stops the run or is itself SIGKILLed."""
import multiprocessing as mp
import os
import signal
import time


def child(own_session):
    if own_session:
        os.setsid()
    time.sleep(60)


if __name__ == "__main__":
    children = [mp.Process(target=child, args=(own,)) for own in (False, True)]
    for c in children:
        c.start()
    os.kill(os.getppid(), signal.SIGSTOP)
    print("reaper stopped", flush=True)
    time.sleep(60)
