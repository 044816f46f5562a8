"""生产者消费者模型 | The producer-consumer model

Course: 并发编程之多进程 · 生产者消费者模型 | Multiprocessing · producer-consumer model

看点:
- 两个厨师（生产者）各做 2 个 peach，放进 JoinableQueue 后不等人来取。
- 两个吃货（消费者，守护进程）从队列里取，每吃完一个调用 task_done()。
- 主进程等厨师做完（join），再用 q.join() 等队列里每一个都被 task_done。
- 厨师如果在主进程的 join() 轮到它之前就做完了（随机的睡眠可能让 egon2 比 egon1 先做完），在那之前它是僵尸：它已经结束，但父进程还没有收取它的退出状态，所以操作系统还保留着它的进程表项，标为 Z；join() 替父进程收了尸，它随即消失。
- 打印“主”后主进程代码结束，守护进程的吃货还卡在 q.get() 上，随即被终止。

Watch:
- Two cooks (producers) make 2 peaches each and put them on the JoinableQueue without waiting for anyone. [queue.put]
- Two eaters (consumers, daemon processes) take from the queue and call task_done() after each one. [queue.get]
- The main process joins the cooks, then q.join() waits until every item has been marked task_done. [state joining]
- A cook that is done before the main process's join() gets to it (the random sleeps may have egon2 done before egon1) is a zombie until then: it has ended, but its parent has not collected its exit status yet, so the OS keeps its entry, marked Z; join() collects it, and it disappears. [state zombie]
- 主 is printed, the main code ends, and the daemon eaters, still blocked in q.get(), are terminated. [state daemon-killed]

改写: 无

Modernised: none
"""
from multiprocessing import Process, JoinableQueue
import time
import random


def producer(name, food, q):
    for i in range(2):
        res = '%s%s' % (food, i)
        time.sleep(random.randint(1, 3))
        q.put(res)
        print('厨师[%s]生产了<%s>' % (name, res))


def consumer(name, q):
    while True:
        res = q.get()
        # if res is None:break
        time.sleep(random.randint(1, 3))
        print('吃货[%s]吃了<%s>' % (name, res))
        q.task_done()


if __name__ == '__main__':
    q = JoinableQueue()
    p1 = Process(target=producer, args=('egon1', 'peach', q))
    p2 = Process(target=producer, args=('egon2', 'peach', q))
    c1 = Process(target=consumer, args=('lary1', q))
    c2 = Process(target=consumer, args=('lary2', q))
    c1.daemon = True
    c2.daemon = True
    p1.start()
    p2.start()
    c1.start()
    c2.start()
    p1.join()
    p2.join()
    q.join()
    print('主')
