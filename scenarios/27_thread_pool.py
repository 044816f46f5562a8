"""线程池：ThreadPoolExecutor、带回调的 submit 和 map | The thread pool: ThreadPoolExecutor, submit with a callback, and map

Course: 并发编程之多线程 · 进程池与线程池 | Multithreading · process pools and thread pools

看点:
- ThreadPoolExecutor(max_workers=3) 只开 3 个线程，9 个任务排队交给它们：打印的线程名只有 3 个，反复出现，线程是重复使用的。
- 用法和进程池一模一样，换一个类名就行：submit 返回 future，add_done_callback(parse) 让任务一做完就调用 parse。
- 线程池的回调一般就在做完这个任务的那个线程里调用（打印的线程名是池里的线程）；进程池的回调则在主进程里。
- map 取代了 for + submit：结果按提交的顺序拿到，0 1 4 9 ... 64。

Watch:
- ThreadPoolExecutor(max_workers=3) starts only 3 threads and the 9 tasks queue up for them: only 3 thread names are printed, again and again; the threads are reused. [thread.start]
- It is used exactly like the process pool, only the class name changes: submit returns a future, add_done_callback(parse) has parse called as soon as that task is done. [stdout 回调 拿到结果]
- A thread pool's callback usually runs in the very thread that did the task (the name it prints is a pool thread's); a process pool's runs in the main process.
- map replaces for + submit: its results come in the order the tasks were submitted, 0 1 4 9 ... 64. [stdout map 结果 64]

改写: current_thread().getName() 改成 .name；睡眠时间缩短了（random.randint(1, 3) / 5 秒，而不是 1-3 秒），让程序几秒内结束；回调打印它在哪个线程里运行和结果，而不是解析网页；map 的结果也打印出来（课程把它们丢掉了）。

Modernised: current_thread().getName() became .name; the sleeps are shorter (random.randint(1, 3) / 5 s, not 1-3 s) so that the program ends within a few seconds; the callback prints which thread runs it and the result instead of parsing a web page, and map's results are printed (the course discards them).
"""
from concurrent.futures import ThreadPoolExecutor
from threading import current_thread
import time
import random


def task(n):
    print('%s is running' % current_thread().name)
    time.sleep(random.randint(1, 3) / 5)
    return n ** 2


def parse(future):
    # 回调函数：一般在做完这个任务的线程里调用
    print('%s 回调 拿到结果 %s' % (current_thread().name, future.result()))


if __name__ == '__main__':
    # 1. submit + 回调：谁先做完谁先打印
    executor = ThreadPoolExecutor(max_workers=3)
    for i in range(9):
        executor.submit(task, i).add_done_callback(parse)
    executor.shutdown(wait=True)  # 等池里的任务都做完
    print('+++> submit 的任务都做完了')

    # 2. map：结果按提交的顺序拿到
    executor = ThreadPoolExecutor(max_workers=3)
    for res in executor.map(task, range(9)):
        print('map 结果 %s' % res)
    executor.shutdown(wait=True)
    print('主')
