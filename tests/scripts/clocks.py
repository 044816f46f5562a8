"""Times a 2 s sleep, a 1 s wait for a lock nobody releases, a 1 s queue.get that times out and a 1 s poll of a
pipe nobody sends on, with each of the script's clocks: one line per wait and clock, the seconds it read
(2 decimals)."""
import multiprocessing
import queue
import threading
import time


def get_nothing():
    try:
        queue.Queue().get(timeout=1)
    except queue.Empty:
        pass


CLOCKS = {"time": time.time, "monotonic": time.monotonic, "perf_counter": time.perf_counter,
          "time_ns": lambda: time.time_ns() / 1e9, "monotonic_ns": lambda: time.monotonic_ns() / 1e9,
          "perf_counter_ns": lambda: time.perf_counter_ns() / 1e9}
held = threading.Lock()
held.acquire()
receiver, sender = multiprocessing.Pipe()
WAITS = {"sleep": lambda: time.sleep(2), "lock": lambda: held.acquire(timeout=1), "get": get_nothing,
         "poll": lambda: receiver.poll(1)}

for wait_name, wait in WAITS.items():
    before = {name: clock() for name, clock in CLOCKS.items()}
    wait()
    for name, clock in CLOCKS.items():
        print(f"{wait_name} {name} {clock() - before[name]:.2f}")
