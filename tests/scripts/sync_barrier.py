"""Barriers at chosen moments, each announced by a CHECK line that says what the script itself knows then: two of
three parties at a threading.Barrier, then at an mp.Barrier; and a barrier broken by abort()."""
import multiprocessing as mp
import threading

from sync_common import join, start, start_method_from_argv, until


def meet(barrier):
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        print("broken")


def two_of_three(label, barrier, worker):
    workers = start(worker, meet, (barrier,), label, 2)
    until(lambda: barrier.n_waiting == 2)
    print(f"CHECK {label} waiting={barrier.n_waiting} parties={barrier.parties}")
    barrier.wait()
    join(workers)
    print(f"CHECK {label} waiting=0 passes=1")


if __name__ == "__main__":
    start_method_from_argv()
    gate = threading.Barrier(3)
    two_of_three("gate", gate, threading.Thread)

    doomed = threading.Barrier(2)
    t = threading.Thread(target=meet, args=(doomed,), name="doomed-0")
    t.start()
    until(lambda: doomed.n_waiting == 1)
    doomed.abort()
    t.join()
    print(f"CHECK doomed broken={doomed.broken}")

    mgate = mp.Barrier(3)
    two_of_three("mgate", mgate, mp.Process)
