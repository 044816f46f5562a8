"""Locks at chosen moments, each announced by a CHECK line that says what the script itself knows then:

- an RLock taken twice by the main thread (its depth);
- an mp.Lock a child holds while the main process tries it without waiting (a failed try) and with a timeout;
- three processes taking turns at one mp.Lock, many times (their events arrive in batches, out of order).
"""
import multiprocessing as mp
import re
import threading

from sync_common import start_method_from_argv


def hold(lock, held, done):
    with lock:
        held.put(mp.current_process().name)  # after the acquire: its event is out before the main one reads this
        done.wait()


def take_turns(lock, rounds):
    for _ in range(rounds):
        with lock:
            pass


if __name__ == "__main__":
    start_method_from_argv()
    rlock = threading.RLock()
    with rlock:
        with rlock:
            depth = re.search(r"count=(\d+)", repr(rlock)).group(1)  # the real RLock's own count
            print(f"CHECK rlock depth={depth} owner={threading.current_thread().name}")
    print("CHECK rlock free")

    mutex = mp.Lock()
    held, done = mp.Queue(), mp.Event()
    holder = mp.Process(target=hold, args=(mutex, held, done), name="holder")
    holder.start()
    owner = held.get()
    print("try without waiting:", mutex.acquire(False))
    print("try for a moment:", mutex.acquire(timeout=0.05))
    print(f"CHECK mutex owner={owner} fails=1 timeouts=1")
    done.set()
    holder.join()

    turns = mp.Lock()
    workers = [mp.Process(target=take_turns, args=(turns, 150), name=f"turn-{i}") for i in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("CHECK turns free acquisitions=450")
