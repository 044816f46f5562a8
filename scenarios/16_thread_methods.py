"""线程相关的其他方法 | Other thread methods

Course: 并发编程之多线程 · 线程相关的其他方法 | Multithreading · other thread methods

看点:
- start() 之前 is_alive() 为 False，运行中为 True，结束后又为 False。
- .name 读写线程名；current_thread() 在哪个线程里调用就返回哪个线程。
- enumerate() 列出正在运行的线程，active_count() 就是它的长度：3、2、1 依次减少。

Watch:
- is_alive() is False before start(), True while running, False again once finished. [stdout 结束后 t1.is_alive(): False]
- .name reads and sets a thread's name; current_thread() returns whichever thread calls it. [stdout current_thread().name = 线程1]
- enumerate() lists the running threads and active_count() is its length: 3, then 2, then 1. [stdout active_count(): 1]

改写: isAlive()、getName()、setName()、currentThread()、activeCount() 已被移除或弃用，这里用 is_alive()、.name、current_thread() 和 active_count()；课程只列出了这些方法，这个例子是专门为它写的。

Modernised: isAlive(), getName(), setName(), currentThread() and activeCount() are gone or deprecated: is_alive(), .name, current_thread() and active_count() are used; the course only lists the methods, this example is written for it.
"""
import threading
from threading import Thread, current_thread
import time


def work(n):
    print('子线程里 current_thread().name = %s: 开始' % current_thread().name)
    time.sleep(n)
    print('%s 结束' % current_thread().name)


if __name__ == '__main__':
    t1 = Thread(target=work, args=(1,))
    t2 = Thread(target=work, args=(2,))
    print('t1 默认的名字:', t1.name)
    t1.name = '线程1'  # setName() 的新写法
    t2.name = '线程2'
    print('start() 之前 t1.is_alive():', t1.is_alive())

    t1.start()
    t2.start()
    print('主线程:', threading.current_thread().name)
    print('t1.is_alive():', t1.is_alive())
    print('threading.enumerate():', threading.enumerate())
    print('threading.active_count():', threading.active_count())

    t1.join()
    print('t1 结束后 t1.is_alive():', t1.is_alive())
    print('threading.enumerate():', threading.enumerate())
    print('threading.active_count():', threading.active_count())

    t2.join()
    print('threading.active_count():', threading.active_count())
    print('主')
