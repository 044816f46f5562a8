"""Times common operations from inside the script, so the same file run traced and untraced can be compared.

Writes {operation: ns per operation} as JSON to the file named by BENCH_OUT; BENCH_OPS (a comma-separated list of
those names) times only some. Each figure is the best of a few rounds (the least disturbed by the rest of a noisy
machine). Operations that only compute are timed in CPU time of the whole process (the tracer's flusher thread
included), which other load on the machine hardly changes; starting a process is mostly waiting, so it is timed on
the wall clock. Printing is timed both ways: "print wall" is what the script's author waits for, a write blocked
because its reader (a terminal, or contui passing the lines on) is behind included.
"""
import json
import multiprocessing
import os
import sys
import threading
import time

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = 5


def best(op, n, clock=time.process_time_ns, rounds=ROUNDS):
    times = []
    for _ in range(rounds):
        start = clock()
        op(n)
        times.append((clock() - start) / n)
    return min(times)


def thread_lock_pairs(n):
    lock = threading.Lock()
    for _ in range(n):
        lock.acquire()
        lock.release()


def mp_lock_pairs(n):
    lock = MP_LOCK
    for _ in range(n):
        lock.acquire()
        lock.release()


def queue_put_get(n):
    # In runs of 100: one put followed by its get would time the feeder thread's wake-up, not the queue.
    q = QUEUE
    for start in range(0, n, 100):
        k = min(100, n - start)
        for i in range(k):
            q.put(i)
        for _ in range(k):
            q.get()


def prints(n):
    for i in range(n):
        print("line", i)


def child():
    pass


def process_start_join(n):
    for _ in range(n):
        p = multiprocessing.Process(target=child)
        p.start()
        p.join()


if __name__ == "__main__":
    MP_LOCK = multiprocessing.Lock()
    QUEUE = multiprocessing.Queue()
    n = max(1, int(20000 * SCALE))
    # Printing at a user's size (see benchmarks/overhead.py): 20,000 lines took 10 ms, less than the noise.
    lines = int(os.environ.get("BENCH_PRINTS", "0")) or n
    timings = {
        "threading.Lock pair": lambda: best(thread_lock_pairs, n),
        "mp.Lock pair": lambda: best(mp_lock_pairs, n),
        "mp.Queue put+get": lambda: best(queue_put_get, max(1, n // 4)),
        "print": lambda: best(prints, lines),
        "print wall": lambda: best(prints, lines, time.perf_counter_ns),
        # Wall time, so more and longer rounds: the best of few is at the mercy of whatever else the machine does.
        "Process start+join": lambda: best(process_start_join, max(1, int(20 * SCALE)), time.perf_counter_ns,
                                           rounds=8),
    }
    wanted = os.environ.get("BENCH_OPS")
    result = {}
    for name, timing in timings.items():
        if not wanted or name in wanted.split(","):
            result[name] = timing()
            sys.stdout.flush()  # what one timing printed is out before the next is timed
    with open(os.environ["BENCH_OUT"], "w") as fh:
        json.dump(result, fh)
