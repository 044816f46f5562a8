"""方式二：继承 Process 并重写 run() | Way 2: a Process subclass with run()

Course: 并发编程之多进程 · 开启子进程的方式二 | Multiprocessing · starting a child process, way 2

看点:
- start() 在新进程里调用我们重写的 run()。
- 主进程先打印“主”，子进程“进程1”随后打印 is running。
- 进程名就是构造时传入的“进程1”，3 秒后打印 is done。

Watch:
- start() calls our own run() in the new process. [stdout 进程1 is running]
- The main process prints 主 first; the child 进程1 prints is running right after. [stdout 主]
- The process is named 进程1, as given to the constructor; 3 s later it prints is done. [stdout 进程1 is done]

改写: 无

Modernised: none
"""
from multiprocessing import Process
import time


class MyProcess(Process):
    def __init__(self, name):
        super(MyProcess, self).__init__()
        self.name = name

    def run(self):
        print('%s is running' % self.name)
        time.sleep(3)
        print('%s is done' % self.name)


if __name__ == '__main__':
    p = MyProcess('进程1')
    p.start()
    print('主')
