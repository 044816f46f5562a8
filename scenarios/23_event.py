"""Event：服务器启动后再连接 | Event: connect once the server is up

Course: 并发编程之多线程 · Event | Multithreading · Event

看点:
- event = Event()：一个标志，开始时为 False。
- egon、alex、lxx 三个连接线程先打印“等待连接”，然后卡在 event.wait()：标志没设置，谁也走不了。
- check 线程检查服务器要 2 秒，打印“服务器已启动”后调用 event.set()，把标志设为 True。
- 标志一设，三个等待的线程同时醒来，各自打印“连接成功”；同步面板显示标志是 clear 还是 set、谁在等。

Watch:
- event = Event(): a flag, False at first.
- Three connecting threads, egon, alex and lxx, print that they wait, then block in event.wait(): the flag is not set, so none of them can go on. [state blocked]
- The check thread takes 2 s to check the server, prints 服务器已启动 (the server is up) and calls event.set(), turning the flag True. [event.set]
- Once the flag is set the three waiting threads all wake and each prints 连接成功 (connected); the Sync pane shows the flag, clear or set, and who waits for it. [stdout 连接成功]

改写: 用 current_thread().name 代替课程的 getName()（Python 3.10 起弃用）；连接线程用不带超时的 event.wait() 等待，而不是课程里最多重试 3 次的 event.wait(0.5) 循环，这样能不能连上就不取决于操作系统先运行哪个线程。

Modernised: current_thread().name for the course's getName() (deprecated since Python 3.10); the connecting threads wait with event.wait() and no timeout, not the course's retry loop of event.wait(0.5) up to 3 times, so that whether they connect never depends on which thread the OS runs first.
"""
from threading import Thread, Event, current_thread
import time

event = Event()


def check():
    print('%s 正在检查服务器...' % current_thread().name)
    time.sleep(2)
    print('%s 服务器已启动' % current_thread().name)
    event.set()


def connect():
    print('%s 等待连接...' % current_thread().name)
    event.wait()
    print('%s 连接成功' % current_thread().name)


if __name__ == '__main__':
    for name in ['egon', 'alex', 'lxx']:
        t = Thread(target=connect, name=name)
        t.start()
    c = Thread(target=check, name='check')
    c.start()
