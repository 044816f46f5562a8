"""为什么用多进程：GIL 与多核 | Why processes: the GIL and many cores

Course: 并发编程之多进程 · 充分利用多核 CPU | Multiprocessing · using every CPU core

看点:
- 第一行打印这台机器的 CPU 核数；同一个纯 Python 计算函数，先在 2 个线程里跑，再在 2 个进程里跑。
- GIL（全局解释器锁）：一个进程里同一时刻只有一个线程能执行 Python 字节码，两个线程轮流持有它。
- 进程树里每个线程旁的 cpu 约 50%，加起来约一个核（进程那一行）；时间线上两个线程都只画半格高 ▄：各得半个核。
- 两个进程各有自己的解释器和 GIL：有 2 个以上的核时各约 cpu 100%，画满格 █，耗时约为一半；最后一行打印两种耗时之比，和这台机器上的理想值（核数与 2 中较小的那个；只有 1 个核时进程也快不了）。
- 两个进程很少恰好同时结束：主进程先 join 第一个，如果第二个在这之前就结束了，它就是僵尸，直到轮到 join 它：它已经结束，但父进程还没有收取它的退出状态，所以操作系统还保留着它的进程表项，标为 Z；join 之后它就消失了。

Watch:
- The first line prints this machine's CPU core count; the same pure-Python function runs on 2 threads, then on 2 processes. [stdout CPU 核数]
- The GIL (global interpreter lock): in one process only one thread at a time can run Python bytecode, so the two threads take turns holding it. [thread.start]
- In the process tree each thread shows about cpu 50%, one core between them (the process's row); on the timeline both threads are drawn half high, ▄: half a core each. [stdout 2 个线程]
- Each process has its own interpreter and its own GIL: with 2 cores or more each shows about cpu 100%, drawn full, █, in about half the time; the last line prints the ratio of the two times, and the best this machine can do (its core count, at most 2: with one core processes are no faster). [stdout 线程耗时 / 进程耗时]
- The two processes seldom end at the same moment: the main process joins the first, and if the second ends before that, it is a zombie until its own join() comes: it has ended, but its parent has not collected its exit status yet, so the OS keeps its entry, marked Z; joined, it disappears. [state zombie]

改写: 课程只用一句话讲了这个道理；这个例子是专门为它写的。

Modernised: the course states the point in one sentence; this example is written for it.
"""
# In CPython a thread must hold the Global Interpreter Lock (GIL) to run Python bytecode, and only
# one thread of a process holds it at a time. Threads therefore help with waiting (I/O, sleeps),
# not with CPU-bound Python code. Processes do not share a GIL, so they can keep every core busy.
from multiprocessing import Process
from threading import Thread
import os
import time

N = 20_000_000  # about half a second of pure-Python work on one core, or more: long enough to watch


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
    cores = os.cpu_count() or 1
    print('CPU 核数:', cores)
    t_threads = timed([Thread(target=count, args=(N,)) for i in range(2)])
    print('2 个线程: %.2f 秒' % t_threads)
    t_procs = timed([Process(target=count, args=(N,)) for i in range(2)])
    print('2 个进程: %.2f 秒' % t_procs)
    print('线程耗时 / 进程耗时 = %.2f（这台机器 %d 个核，理想值约 %d）' % (t_threads / t_procs, cores, min(cores, 2)))
