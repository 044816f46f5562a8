"""Signals and other programs: the script starts `sleep 30` with subprocess.Popen and a Process, then sends SIGTERM
to both (os.kill and terminate()).

In contui the tree shows `sleep` as a process of its own with its command line, and the timeline marks each signal on
the sender's lane (↯) and on the receiver's (⇣). Press Enter (in contui: i, then Enter) to send the signals.
"""
import multiprocessing as mp
import os
import signal
import subprocess
import time


def napper():
    time.sleep(30)


if __name__ == "__main__":
    sleeper = subprocess.Popen(["sleep", "30"])
    child = mp.Process(target=napper, name="napper")
    child.start()
    print("press Enter to send SIGTERM to both")
    input()
    os.kill(sleeper.pid, signal.SIGTERM)
    child.terminate()
    print("sleep ended with", sleeper.wait())
    child.join()
    print("napper ended with", child.exitcode)
