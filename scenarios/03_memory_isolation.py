"""进程之间的内存空间是隔离的 | Processes do not share memory

Course: 并发编程之多进程 · 进程之间的内存空间是隔离的 | Multiprocessing · each process has its own memory

看点:
- 子进程把全局变量 n 改成 0，改的是它自己的那一份。
- join() 之后 is_alive() 打印 False：子进程已经结束。
- 主进程打印“主 100”：它的 n 从未被改动。

Watch:
- The child sets the global n to 0, but only in its own copy of memory.
- After join(), is_alive() prints False: the child has ended. [stdout False]
- The main process prints 主 100: its n was never touched. [stdout 主 100]

改写: 无

Modernised: none
"""
from multiprocessing import Process

n = 100


def task():
    global n
    n = 0


if __name__ == '__main__':
    p = Process(target=task)
    p.start()
    p.join()
    print(p.is_alive())  # 查看进程是否完毕
    print('主', n)  # 进程之间的内存是互相隔离的
