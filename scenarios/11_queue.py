"""队列：进程间通信 (IPC) | Queue: communication between processes

Course: 并发编程之多进程 · 队列 | Multiprocessing · queues

看点:
- Queue(3) 最多放 3 个；放满后再 put('fourth') 会阻塞，直到帮手进程 get() 走一个。
- put(block=False) 在满队列上立刻抛 queue.Full；put(timeout=1) 等 1 秒后抛 queue.Full。
- 队列先进先出：get() 按放入的顺序取出。
- 队列空了，get(block=True, timeout=1) 等 1 秒后抛 queue.Empty。

Watch:
- Queue(3) holds at most 3 items; once full, put('fourth') blocks until the helper process takes one with get(). [state blocked]
- put(block=False) on the full queue raises queue.Full at once; put(timeout=1) raises queue.Full after 1 s. [stdout 等了 1 秒, queue.Full]
- The queue is first in, first out: get() returns items in the order they were put. [stdout {'count': 3}]
- Once the queue is empty, get(block=True, timeout=1) waits 1 s and raises queue.Empty. [stdout queue.Empty]

改写: 课程里注释掉的调用都真的执行了，每个异常都被捕获并打印：阻塞的 put 由新增的帮手进程解开，超时从 3 秒改成 1 秒。

Modernised: the course's commented-out calls are run, each error caught and printed: the blocking put is released by an added helper process, and the timeouts are 1 s instead of 3.
"""
from multiprocessing import Process, Queue
import queue
import time


def take_one(q):
    time.sleep(1)
    print('帮手进程取走了:', q.get())


if __name__ == '__main__':
    q = Queue(3)
    q.put('first')
    q.put(2)
    q.put({"count": 3})

    helper = Process(target=take_one, args=(q,))
    helper.start()
    print("队列满了，put('fourth') 阻塞，等帮手进程取走一个 ...")
    start = time.time()
    q.put('fourth')
    helper.join()
    print("put('fourth') 等了 %.1f 秒才放进去" % (time.time() - start))

    try:
        q.put('fifth', block=False)
    except queue.Full:
        print("put('fifth', block=False): queue.Full")
    try:
        q.put('fifth', block=True, timeout=1)
    except queue.Full:
        print("put('fifth', block=True, timeout=1): 等了 1 秒, queue.Full")

    print(q.get())
    print(q.get())
    print(q.get())
    try:
        print(q.get(block=True, timeout=1))
    except queue.Empty:
        print('get(block=True, timeout=1): 等了 1 秒, queue.Empty')
