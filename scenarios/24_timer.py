"""定时器：延时执行一个函数，或者在那之前取消它 | threading.Timer: run a function after a delay, or cancel it first

Course: 并发编程之多线程 · 定时器 | Multithreading · timer

看点:
- Timer(1, hello, args=('egon',))：start() 之后过 1 秒，在一个新线程里执行 hello('egon')。
- 主线程 start() 之后不等定时器，马上打印“主线程 继续干活”。
- 第二个定时器 Timer(3, hello, args=('alex',)) 在 3 秒到之前被 cancel()：它的线程结束，hello('alex') 永远不执行。
- Timer 是 Thread 的子类，每个定时器都是一个线程：hello 打印它所在的线程名 Thread-1，不是 MainThread。

Watch:
- Timer(1, hello, args=('egon',)): 1 s after start(), hello('egon') runs in a new thread. [stdout hello, egon]
- The main thread does not wait for the timer: right after start() it prints 主线程 继续干活 (main goes on working). [stdout 主线程 继续干活]
- A second timer, Timer(3, hello, args=('alex',)), is cancel()ed before its 3 s are up: its thread ends, and hello('alex') never runs. [stdout 取消了 alex 的定时器]
- Timer is a subclass of Thread, and each timer is a thread of its own: hello prints the thread it runs in, Thread-1, not MainThread. [stdout 在 Thread-1 里执行]

改写: 增加的部分：hello 接收一个名字（args=('egon',)），并打印它所在的线程；第二个定时器，主线程在打印和 sleep(2) 之后把它 cancel() 掉。

Modernised: added: hello takes a name (args=('egon',)) and prints the thread it runs in; a second timer, which the main thread cancel()s after its print and a sleep(2).
"""
from threading import Timer, current_thread
import time


def hello(name):
    print('hello, %s (在 %s 里执行)' % (name, current_thread().name))


if __name__ == '__main__':
    t1 = Timer(1, hello, args=('egon',))
    t1.start()  # 1 秒后执行 hello('egon')
    t2 = Timer(3, hello, args=('alex',))
    t2.start()  # 3 秒后执行 hello('alex')，除非先被取消
    print('主线程 继续干活')
    time.sleep(2)
    t2.cancel()  # 还没到 3 秒：取消，hello('alex') 不会执行
    print('主线程 取消了 alex 的定时器')
