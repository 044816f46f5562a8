"""Semaphores at chosen moments, each announced by a CHECK line that says what the script itself knows then: two of
three seats of a threading.BoundedSemaphore taken; both seats of an mp.Semaphore taken, and tries that found none
(one without waiting, one that gave up)."""
import multiprocessing as mp
import queue
import threading

from sync_common import join, start, start_method_from_argv


def sit(sem, seated, leave):
    with sem:
        seated.put(1)  # after the acquire: its event is out before the main one reads this
        leave.wait()


def two_sit(sem, worker, seated, leave, free, then):
    """Two workers take a seat each and keep it until ``leave`` is set; ``then`` runs while they hold them."""
    workers = start(worker, sit, (sem, seated, leave), "sitter", 2)
    for _ in workers:
        seated.get()
    then()
    leave.set()
    join(workers)
    print(f"CHECK free={free()} nobody seated")


if __name__ == "__main__":
    start_method_from_argv()
    pool = threading.BoundedSemaphore(3)
    two_sit(pool, threading.Thread, queue.Queue(), threading.Event(), lambda: pool._value,
            lambda: print(f"CHECK pool free={pool._value} of 3"))

    seats = mp.Semaphore(2)

    def try_one():
        print("try without waiting:", seats.acquire(False))
        print("try for a moment:", seats.acquire(timeout=0.05))
        print(f"CHECK seats free={seats.get_value()} of 2 fails=1 timeouts=1")

    two_sit(seats, mp.Process, mp.Queue(), mp.Event(), seats.get_value, try_one)
