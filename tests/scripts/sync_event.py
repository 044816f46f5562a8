"""Events at chosen moments, each announced by a CHECK line that says what the script itself knows then: three
threads, then three processes, waiting for an Event that is clear; then the Event set and nobody waiting."""
import multiprocessing as mp
import threading

from sync_common import join, start, start_method_from_argv, until


def waiting_threads(ev):
    return len(ev._cond._waiters)


def waiting_processes(ev):
    cond = ev._cond
    return cond._sleeping_count.get_value() - cond._woken_count.get_value()


def wait_for(ev):
    ev.wait()


def three_wait(label, event, worker, waiting):
    workers = start(worker, wait_for, (event,), label, 3)
    until(lambda: waiting(event) == 3)
    print(f"CHECK {label} clear waiting={waiting(event)}")
    event.set()
    join(workers)
    print(f"CHECK {label} set waiting=0 is_set={event.is_set()}")


if __name__ == "__main__":
    start_method_from_argv()
    ready = threading.Event()
    three_wait("ready", ready, threading.Thread, waiting_threads)
    go = mp.Event()
    three_wait("go", go, mp.Process, waiting_processes)
