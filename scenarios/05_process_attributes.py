"""Process 对象的其他方法和属性 | Other Process methods and attributes

Course: 并发编程之多进程 · Process对象的其他方法或属性 | Multiprocessing · other Process methods and attributes

看点:
- terminate() 只是发出 SIGTERM 信号，进程不会立刻消失：紧接着的 is_alive() 通常还是 True。
- 如果 terminate() 之后紧接着的 is_alive() 还是 True，被杀死的“进程1”在这 1 秒里是僵尸：它已经结束，但父进程还没有收取它的退出状态，所以操作系统还保留着它的进程表项，标为 Z；sleep 之后的 is_alive() 替父进程收了尸（join() 也会），它随即消失。
- 1 秒后 is_alive() 为 False，进程“进程1”已被杀死，它本该睡的 15 秒没有睡完。
- 主进程打印自己的 pid 和 ppid（它的父进程是启动它的程序），再打印子进程的 pid 和名字。
- exitcode 为 -15：负数表示进程被信号 15（SIGTERM）杀死。

Watch:
- terminate() only sends SIGTERM, the process does not vanish at once: is_alive() right after it is usually still True.
- When is_alive() right after terminate() still says True, the killed 进程1 is a zombie for that second: it has ended, but its parent has not collected its exit status yet, so the OS keeps its entry, marked Z; the is_alive() after the sleep collects it (join() would too), and it disappears. [state zombie]
- One second later is_alive() is False: 进程1 has been killed long before its 15 s sleep would end. [stdout sleep(1) 之后 is_alive(): False]
- The main process prints its own pid and ppid (its parent is the program that started it), then the child's pid and name. [stdout 主...pid:]
- exitcode is -15: a negative code means the process was killed by signal 15 (SIGTERM). [stdout exitcode: -15]

改写: is_alive() 打印两次并各加了说明：terminate() 之后立刻一次，sleep 1 秒之后一次（课程只在 sleep 之后打印一次）；最后加印了 p.exitcode。

Modernised: is_alive() is printed twice, labelled, right after terminate() and after the 1 s sleep (the course prints it once, after the sleep); p.exitcode is printed at the end (addition).
"""
from multiprocessing import Process
import time
import os


def task(n):
    print('pid:%s ppid:%s' % (os.getpid(), os.getppid()))
    time.sleep(n)


if __name__ == '__main__':
    p = Process(target=task, args=(15,), name='进程1')
    p.start()
    p.terminate()  # 终止进程
    print('terminate() 之后立刻 is_alive():', p.is_alive())
    time.sleep(1)
    print('sleep(1) 之后 is_alive():', p.is_alive())  # 查看进程是否完毕
    print('主...pid:%s ppid:%s' % (os.getpid(), os.getppid()))  # 主进程的ppid即为pycharm
    print(p.pid)  # 查看进程pid
    print(p.name)  # 查看进程名
    print('exitcode:', p.exitcode)  # -15: killed by SIGTERM
