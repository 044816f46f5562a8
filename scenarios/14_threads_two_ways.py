"""开启线程的两种方式 | Two ways to start a thread

Course: 并发编程之多线程 · 开启线程的两种方式 | Multithreading · two ways to start a thread

看点:
- 方式一：Thread(target=eat)；方式二：继承 Thread 并重写 run()。
- 线程开得很快：lary is eating 往往在“主”之前就打印出来了，和进程正好相反。
- 两个线程都在同一个进程里，各睡 1-3 秒后打印 eating end，进程随后结束。

Watch:
- Way 1: Thread(target=eat); way 2: a Thread subclass with its own run(). [stdout egon is eating]
- Threads start fast: lary is eating is often printed before 主, the opposite of processes.
- Both threads live in the same process; each sleeps 1-3 s, prints eating end, and then the process ends. [state exited]

改写: 课程的两个程序合并成一个：先开启两个线程，再打印一次“主”；子类方式的线程改名为 egon（课程里两个都叫 lary），好把两者区分开。

Modernised: the course's two programs are merged into one that starts both threads and then prints 主 once; the subclass thread is named egon (the course names both lary) so the two can be told apart.
"""
from threading import Thread
import time
import random


# 开启线程方式一
def eat(name):
    print('%s is eating' % name)
    time.sleep(random.randint(1, 3))
    print('%s eating end' % name)


# 开启线程方式二
class MyThread(Thread):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def run(self):
        print('%s is eating' % self.name)
        time.sleep(random.randint(1, 3))
        print('%s eating end' % self.name)


if __name__ == '__main__':
    t1 = Thread(target=eat, args=('lary',))
    t1.start()
    t2 = MyThread('egon')
    t2.start()
    print('主')
