"""Why the transport has no shared write lock: 20 writers, 10 of them SIGKILLed at random moments, on a stdlib
``multiprocessing.Queue`` (one write lock for all, messages above PIPE_BUF) against contui's frames.

Not part of the table (a stdlib trial can hang for good): ``python -m benchmarks.killed_writers stdlib frames``,
each trial in its own process with a time limit is what the closing note of the engine issue reports.
"""
import multiprocessing as mp
import os
import random
import signal
import sys
import time

from tui.engine.transport import EventQueue
from tui.inside.frames import FrameEncoder

N, PER = 20, 20000

def stdlib_writer(q, n):
    B = int(os.environ.get('B', '50'))
    for i in range(0, PER, B):
        q.put([(n, j) for j in range(i, i + B)])

def frame_writer(fd, n):
    enc = FrameEncoder()
    for i in range(0, PER, 50):
        enc.write(fd, [(n, j) for j in range(i, i + 50)])

def trial(kind, seed):
    rng = random.Random(seed)
    ctx = mp.get_context('fork')
    if kind == 'stdlib':
        q = ctx.Queue()
        procs = [ctx.Process(target=stdlib_writer, args=(q, n)) for n in range(N)]
    else:
        q = EventQueue()
        procs = [ctx.Process(target=frame_writer, args=(q.writer_fd, n)) for n in range(N)]
    for p in procs: p.start()
    victims = rng.sample(range(N), 10)
    t_start = time.monotonic()
    kill_times = {v: t_start + rng.uniform(0, 0.3) for v in victims}
    got = {n: 0 for n in range(N)}
    errors = []
    deadline = t_start + 10
    while time.monotonic() < deadline:
        now = time.monotonic()
        for v, kt in list(kill_times.items()):
            if now >= kt:
                try: os.kill(procs[v].pid, signal.SIGKILL)
                except ProcessLookupError: pass
                del kill_times[v]
        try:
            batch = q.get(timeout=0.2) if kind == 'stdlib' else [x for f in [q.drain(0.2)] for x in f]
        except Exception as exc:
            errors.append(type(exc).__name__)
            batch = []
        for n, j in batch: got[n] += 1
        survivors_done = all(got[n] == PER for n in range(N) if n not in victims)
        if survivors_done and not kill_times: break
    elapsed = time.monotonic() - t_start
    lost = sum(PER - got[n] for n in range(N) if n not in victims)
    stuck = [p.pid for p in procs if p.is_alive()]
    for p in procs:
        if p.is_alive(): p.kill()
        p.join()
    return elapsed, lost, len(stuck), sorted(set(e for e in errors if e != 'Empty'))



if __name__ == '__main__':
    for kind in sys.argv[1:] or ['frames']:
        for seed in range(4):
            e, lost, stuck, errs = trial(kind, seed)
            print(f"{kind:7s} seed={seed} elapsed={e:5.2f}s survivors' events lost={lost} "
                  f"writers still alive={stuck} reader errors={errs}")
