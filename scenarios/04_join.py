"""join()：主进程等待子进程结束 | join(): the parent waits for its children

Course: 并发编程之多进程 · Process对象的join()方法 | Multiprocessing · Process.join()

看点:
- 三个子进程先全部 start()，同时运行，分别睡 1、2、3 秒。
- 主进程依次 join()，停在那里等它们结束。
- 最后打印的耗时约 3 秒而不是 6 秒：三个进程是并发运行的。

Watch:
- All three children are started first and run at the same time, sleeping 1, 2 and 3 s. [proc.spawn]
- The main process then joins them one by one and waits there. [state joining]
- The elapsed time printed at the end is about 3 s, not 6: the children ran concurrently. [stdout 主]

改写: 无

Modernised: none
"""
from multiprocessing import Process
import time
import os


def task(n):
    print('%s is running' % os.getpid())
    time.sleep(n)
    print('%s is done' % os.getpid())


if __name__ == '__main__':
    start_time = time.time()
    p1 = Process(target=task, args=(1,))
    p2 = Process(target=task, args=(2,))
    p3 = Process(target=task, args=(3,))
    p_l = [p1, p2, p3]
    # p1.start()
    # p2.start()
    # p3.start()
    for p in p_l:
        p.start()
    # p1.join()
    # p2.join()
    # p3.join()
    for p in p_l:
        p.join()
    stop_time = time.time()
    print('主', stop_time - start_time)
