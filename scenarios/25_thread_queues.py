"""线程队列：先进先出、后进先出、优先级 | The thread queues: FIFO, LIFO and priority

Course: 并发编程之多线程 · 线程queue | Multithreading · thread queues

看点:
- queue.Queue()：先进先出（FIFO），put 的顺序就是 get 的顺序：first、second、third。
- queue.LifoQueue()：后进先出（LIFO），像一摞盘子，最后放进去的最先拿出来：third、second、first。
- queue.PriorityQueue()：优先级队列，放 (优先级, 数据) 元组，数字越小越先出来：(-1, 'b')、(10, 'a')、(100, 'c')。
- 每个队列放完 3 个后停 1 秒：队列面板按拿出来的顺序画出队列里的 3 个元素，三个队列放进去的东西一样，排的顺序不同。

Watch:
- queue.Queue(): first in, first out (FIFO); get returns items in the order they were put: first, second, third. [stdout Queue: third]
- queue.LifoQueue(): last in, first out (LIFO), like a stack of plates; the last one put comes out first: third, second, first. [stdout LifoQueue: first]
- queue.PriorityQueue(): put (priority, data) tuples; the smaller the number, the sooner it comes out: (-1, 'b'), (10, 'a'), (100, 'c'). [stdout PriorityQueue: (100, 'c')]
- After its 3 puts each queue waits 1 s: the Queues pane draws its 3 items in the order they will come out; the same items go into the three queues, lined up in three orders. [queue.put]

改写: 增加的部分：每个队列 put 完之后、get 之前 sleep(1)，好在屏幕上看清每个队列里装着什么、按什么顺序排。

Modernised: added: a sleep(1) between each queue's puts and its gets, so that what each queue holds, and in what order, can be seen on screen.
"""
import queue
import time

q = queue.Queue()  # 先进先出
q.put('first')
q.put('second')
q.put('third')
time.sleep(1)  # 看一看队列里的顺序
print('Queue:', q.get())
print('Queue:', q.get())
print('Queue:', q.get())

q = queue.LifoQueue()  # 后进先出，堆栈
q.put('first')
q.put('second')
q.put('third')
time.sleep(1)  # 看一看队列里的顺序
print('LifoQueue:', q.get())
print('LifoQueue:', q.get())
print('LifoQueue:', q.get())

q = queue.PriorityQueue()  # 优先级队列：数字越小优先级越高
q.put((10, 'a'))
q.put((-1, 'b'))
q.put((100, 'c'))
time.sleep(1)  # 看一看队列里的顺序
print('PriorityQueue:', q.get())
print('PriorityQueue:', q.get())
print('PriorityQueue:', q.get())
