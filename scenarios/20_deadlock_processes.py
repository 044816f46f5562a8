"""死锁：进程之间 | Deadlock between two processes

Course: 并发编程之多进程 · 死锁 | Multiprocessing · deadlock

看点:
- 两把 multiprocessing.Lock：A 锁和 B 锁，由主进程创建，传给两个子进程。
- 进程1 先拿 A 锁，睡 1 秒，再要 B 锁；进程2 先拿 B 锁，睡 1 秒，再要 A 锁。
- 睡醒以后，进程1 拿着 A 等 B，进程2 拿着 B 等 A：进程锁跨进程有效，两个进程互相等待，谁都不退出，主进程的 join 也永远等下去。
- contui 看得见每个进程里的锁：环一形成就冻结运行，横幅写出两个进程各自拿着和等待的锁。
- 主进程的守护线程“看门狗”在剧情时间 10 秒后结束卡死的运行：terminate 两个子进程，然后退出（contui 冻结运行时，它的时钟也停着）。

Watch:
- Two multiprocessing.Lock objects, A and B, made by the main process and handed to two children. [proc.spawn]
- Process 1 takes A, sleeps 1 s, then asks for B; process 2 takes B, sleeps 1 s, then asks for A. [lock.wait]
- Awake, process 1 holds A and waits for B, process 2 holds B and waits for A: a process lock works across processes, the two wait for each other for ever, and so does the main process's join. [deadlock]
- contui sees the locks of every process: the moment the cycle forms it freezes the run, and the banner names what each process holds and waits for. [deadlock]
- A daemon watchdog thread of the main process ends the hung run after 10 s of scenario time: it terminates both children and exits (its clock stands still while contui holds the run frozen).

改写: 新增：课程里两把互斥锁的死锁，换成进程：锁作为参数传给子进程（进程之间不共享全局变量），主进程 join 它们；程序按设计会卡住，所以主进程的守护线程“看门狗”在 10 秒后 terminate 两个子进程，以退出码 1 退出，不用 contui 运行时也是如此。

Modernised: added: the course's two-mutex deadlock, with processes: the locks are passed to the children as arguments (processes share no globals), and main joins them; it hangs by design, so a daemon watchdog thread of the main process terminates the children and exits with code 1 after 10 s, also when run without contui.
"""
from multiprocessing import Process, Lock, active_children
from threading import Event, Thread
import os
import sys
import time


def task1(mutex_a, mutex_b):
    mutex_a.acquire()
    print('进程1 拿到A锁')
    time.sleep(1)
    mutex_b.acquire()
    print('进程1 拿到B锁')
    mutex_b.release()
    mutex_a.release()


def task2(mutex_a, mutex_b):
    mutex_b.acquire()
    print('进程2 拿到B锁')
    time.sleep(1)
    mutex_a.acquire()
    print('进程2 拿到A锁')
    mutex_a.release()
    mutex_b.release()


def watchdog(seconds):
    time.sleep(seconds)
    print('看门狗：%s 秒了子进程还没结束，死锁了，结束它们' % seconds)
    gave_up.set()  # before the terminate: the main thread's joins then return, and it must exit with 1 too
    for p in active_children():
        p.terminate()
    os._exit(1)


gave_up = Event()  # set by the watchdog

if __name__ == '__main__':
    Thread(target=watchdog, args=(10,), daemon=True).start()
    mutex_a = Lock()
    mutex_b = Lock()
    p1 = Process(target=task1, args=(mutex_a, mutex_b))
    p2 = Process(target=task2, args=(mutex_a, mutex_b))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    if gave_up.is_set():
        sys.exit(1)
