"""进程池：ProcessPoolExecutor、带回调的 submit 和 map | The process pool: ProcessPoolExecutor, submit with a callback, and map

Course: 并发编程之多线程 · 进程池与线程池 | Multithreading · process pools and thread pools

看点:
- ProcessPoolExecutor(max_workers=3) 只开 3 个进程，9 个任务排队交给它们：打印的 pid 只有 3 个，反复出现，进程是重复使用的，不是一个任务开一个。
- submit 是异步提交，马上返回一个 future；add_done_callback(parse) 让任务一做完就在主进程里调用 parse，结果谁先好谁先打印。
- shutdown(wait=True) 相当于进程池的 close + join：等所有任务做完，再往下走。
- shutdown 时池里的工作进程都结束了，进程池逐个 join 它们；在轮到 join 之前就结束的工作进程，可能短暂显示为僵尸：它已经结束，但父进程还没有收取它的退出状态，所以操作系统还保留着它的进程表项，标为 Z，直到 join() 收尸。
- map 取代了 for + submit：结果按提交的顺序拿到，0 1 4 9 ... 64，哪怕后提交的任务先做完。

Watch:
- ProcessPoolExecutor(max_workers=3) starts only 3 processes and the 9 tasks queue up for them: only 3 pids are printed, again and again; the workers are reused, not one process per task. [proc.spawn]
- submit hands a task over and returns a future at once; add_done_callback(parse) has parse called in the main process as soon as that task is done, so the results print in the order they finish. [stdout 回调 拿到结果]
- shutdown(wait=True) is the pool's close + join: it waits until every task is done before going on. [stdout submit 的任务都做完了]
- At shutdown the pool's workers end and the pool joins them one by one; a worker that ends before its join() comes may show for a moment as a zombie: it has ended, but its parent has not collected its exit status yet, so the OS keeps its entry, marked Z, until join() collects it. [state zombie]
- map replaces for + submit: its results come in the order the tasks were submitted, 0 1 4 9 ... 64, even when a later task finishes first. [stdout map 结果 64]

改写: 睡眠时间缩短了（random.randint(1, 3) / 5 秒，而不是 1-3 秒），让程序几秒内结束；回调打印结果，而不是解析网页；map 的结果也打印出来（课程把它们丢掉了）。

Modernised: the sleeps are shorter (random.randint(1, 3) / 5 s, not 1-3 s) so that the program ends within a few seconds; the callback prints the result instead of parsing a web page, and map's results are printed (the course discards them).
"""
from concurrent.futures import ProcessPoolExecutor
import os
import time
import random


def task(n):
    print('%s is running' % os.getpid())
    time.sleep(random.randint(1, 3) / 5)
    return n ** 2


def parse(future):
    # 回调函数：在主进程里调用，参数是做完了的 future
    print('回调 拿到结果 %s' % future.result())


if __name__ == '__main__':
    # 1. submit + 回调：谁先做完谁先打印
    executor = ProcessPoolExecutor(max_workers=3)
    for i in range(9):
        executor.submit(task, i).add_done_callback(parse)
    executor.shutdown(wait=True)  # 相当于进程池的 pool.close() + pool.join()
    print('+++> submit 的任务都做完了')

    # 2. map：结果按提交的顺序拿到
    executor = ProcessPoolExecutor(max_workers=3)
    for res in executor.map(task, range(9)):
        print('map 结果 %s' % res)
    executor.shutdown(wait=True)
    print('主')
