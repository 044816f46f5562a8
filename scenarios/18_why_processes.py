"""为什么用多进程：GIL 与多核 | Why processes: the GIL and many cores

Course: 并发编程之多进程 · 充分利用多核 CPU | Multiprocessing · using every CPU core

看点:
- 同一个纯 Python 计算函数，先在 2 个线程里跑，再在 2 个进程里跑。
- GIL（全局解释器锁）：一个进程里同一时刻只有一个线程能执行 Python 字节码。
- 两个线程轮流持有 GIL，同一时刻只有一个在算：耗时约等于两次串行相加。
- 两个进程各有自己的解释器和 GIL，两个核同时算：耗时约为一半。
- 最后一行打印两种耗时之比（这台机器有 2 个核，理想值约 2）。

Watch:
- The same pure-Python function runs first on 2 threads, then on 2 processes.
- The GIL (global interpreter lock): in one process only one thread at a time can run Python bytecode.
- The two threads take turns holding the GIL, only one computes at any moment: the time is about that of two runs in a row.
- Each process has its own interpreter and its own GIL, so two cores compute at once: about half the time.
- The last line prints the ratio of the two times (about 2 at best on this 2-core machine).

Modernised: the course states the point in one sentence; this example is written for it.
"""
# In CPython a thread must hold the Global Interpreter Lock (GIL) to run Python bytecode, and only
# one thread of a process holds it at a time. Threads therefore help with waiting (I/O, sleeps),
# not with CPU-bound Python code. Processes do not share a GIL, so they can keep every core busy.
from multiprocessing import Process
from threading import Thread
import os
import time

N = 10_000_000  # about 0.4 s of pure-Python work on the course machine


def count(n):
    while n > 0:
        n -= 1


def timed(workers):
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


if __name__ == '__main__':
    print('CPU 核数:', os.cpu_count())
    t_threads = timed([Thread(target=count, args=(N,)) for i in range(2)])
    print('2 个线程: %.2f 秒' % t_threads)
    t_procs = timed([Process(target=count, args=(N,)) for i in range(2)])
    print('2 个进程: %.2f 秒' % t_procs)
    print('线程耗时 / 进程耗时 = %.2f' % (t_threads / t_procs))
