"""信号量：有 3 个坑位的公共厕所 | Semaphore: the public toilet with three seats

Course: 并发编程之多线程 · 信号量 | Multithreading · semaphore

看点:
- sm = Semaphore(3)：厕所只有 3 个坑位，8 个路人（线程）同时来上厕所。
- with sm: 占一个坑位；前 3 个人马上进去，其余的人在门口排队等，同步面板显示坑位占了几个（■■■ 占用 3/3）、谁在门口排队。
- 每人蹲 1~2 秒（随机），出来时让出坑位，门口等着的人才能进去一个。
- 任何时刻里面最多 3 个人；互斥锁是只有 1 个坑位的信号量。所有人都进去又出来，程序结束。

Watch:
- sm = Semaphore(3): the toilet has 3 seats, and 8 passers-by (threads) come at once. [thread.start]
- with sm: takes a seat; the first 3 go straight in, the rest queue at the door; the Sync pane shows the seats taken (■■■ 3 of 3 taken) and who waits at the door, in line. [sem.wait]
- Each one stays 1 or 2 s (random) and gives the seat back on the way out; only then does one from the door get in. [stdout 出来了]
- Never more than 3 inside at a time; a mutex is a semaphore with one seat. Everyone goes in and comes out, and the program ends. [state exited]

改写: 用 current_thread().name 代替课程的 getName()（Python 3.10 起弃用）；增加的部分：线程命名为 路人0..路人7，每人出来时说一声；8 个人各蹲 1-2 秒（课程是 10 个人、1-3 秒），这样大约 6 秒内运行结束。

Modernised: current_thread().name for the course's getName() (deprecated since Python 3.10); added: the threads are named 路人0..路人7, each says when it leaves, and 8 people stay 1-2 s (the course: 10 people, 1-3 s) so the run ends within about 6 s.
"""
from threading import Thread, Semaphore, current_thread
import time
import random

sm = Semaphore(3)


def task():
    with sm:
        print('%s 进去上厕所' % current_thread().name)
        time.sleep(random.randint(1, 2))
        print('%s 出来了' % current_thread().name)


if __name__ == '__main__':
    for i in range(8):
        t = Thread(target=task, name='路人%s' % i)
        t.start()
