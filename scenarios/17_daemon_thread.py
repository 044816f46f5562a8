"""守护线程 | Daemon thread

Course: 并发编程之多线程 · 守护线程 | Multithreading · daemon threads

看点:
- 守护线程 egon 开始睡 2 秒。
- 主线程立刻打印“主线程”和 True（守护线程还活着）。
- 主线程结束后没有别的非守护线程，进程随即退出：egon say hello 永远不会打印。

Watch:
- The daemon thread egon starts a 2 s sleep. [thread.start]
- The main thread prints 主线程 at once, then True (the daemon thread is still alive). [stdout True]
- Once the main thread ends there is no non-daemon thread left, so the process exits: egon say hello is never printed. [state exited]

改写: t.setDaemon(True)（Python 3.10 起弃用）改成 t.daemon = True。

Modernised: t.setDaemon(True) (deprecated since Python 3.10) became t.daemon = True.
"""
from threading import Thread
import time


def sayhi(name):
    time.sleep(2)
    print('%s say hello' % name)


if __name__ == '__main__':
    t = Thread(target=sayhi, args=('egon',))
    t.daemon = True  # 必须在t.start()之前设置
    t.start()
    print('主线程')
    print(t.is_alive())
