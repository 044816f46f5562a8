"""Signals the script sends: os.kill to a subprocess child, and terminate() of a multiprocessing child."""
import multiprocessing as mp
import os
import signal
import subprocess
import time


def sleeper():
    time.sleep(30)


if __name__ == "__main__":
    child = subprocess.Popen(["sleep", "30"])
    os.kill(child.pid, signal.SIGUSR1)
    print("sleep ended with", child.wait())
    worker = mp.Process(target=sleeper)
    worker.start()
    worker.terminate()
    worker.join()
    print("worker ended with", worker.exitcode)
