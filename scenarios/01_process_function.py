"""方式一：用函数开启子进程 | Way 1: a Process with a function target

Course: 并发编程之多进程 · 开启子进程的方式一 | Multiprocessing · starting a child process, way 1

看点:
- 主进程先打印“主”：start() 只是请操作系统创建子进程，并不等它运行。
- 随后子进程打印 alex is running，睡 3 秒后打印 alex is done。
- 主进程的代码早已结束，但它等子进程结束后才退出。

Watch:
- The main process prints 主 first: start() only asks the OS for a child, it does not wait for it to run. [stdout 主]
- Then the child prints alex is running, sleeps 3 s and prints alex is done. [stdout alex is done]
- The main process's code has long ended, but it waits for the child before it exits. [state joining]

改写: 无

Modernised: none
"""
from multiprocessing import Process
import time


def task(name):
    print('%s is running' % name)
    time.sleep(3)
    print('%s is done' % name)


if __name__ == '__main__':
    p = Process(target=task, args=('alex',))
    p.start()
    print('主')
