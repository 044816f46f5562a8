"""递归锁：RLock 解开死锁 | The recursive lock (RLock) that ends the deadlock

Course: 并发编程之多线程 · 死锁与递归锁 | Multithreading · deadlock and the recursive lock

看点:
- 面条和叉子现在是同一把递归锁：fork_lock = noodle_lock = RLock()。
- RLock 内部有一个计数器：同一个线程每 acquire 一次加 1，每 release 一次减 1；拿到锁的线程可以再拿一次，计数是 2。
- 计数回到 0 之前，别的线程都拿不到：一个线程吃完，下一个才开始，所以不会出现互相等待。
- 三个人的 eat1 和 eat2 都吃到了面，程序正常结束；contui 的锁面板显示持有者和层数。

Watch:
- The noodles and the fork are now one recursive lock: fork_lock = noodle_lock = RLock().
- An RLock counts: each acquire by the same thread adds 1, each release takes 1 away; the thread holding it can take it again, and the count is 2. [stdout 吃面]
- Until the count is back to 0 no other thread gets it: one thread eats, then the next, so nobody waits for a lock held by someone who waits. [lock.wait]
- All six eaters eat and the program ends; contui's lock pane shows the owner and how deep it holds the lock. [state exited]

改写: 无：就是课程自己的解决办法，原样照搬。

Modernised: none: the course's fix, as it is.
"""
from threading import Thread, RLock
import time

fork_lock = noodle_lock = RLock()


def eat1(name):
    noodle_lock.acquire()
    print('%s 抢到了面条' % name)
    fork_lock.acquire()
    print('%s 抢到了叉子' % name)
    print('%s 吃面' % name)
    fork_lock.release()
    noodle_lock.release()


def eat2(name):
    fork_lock.acquire()
    print('%s 抢到了叉子' % name)
    time.sleep(1)
    noodle_lock.acquire()
    print('%s 抢到了面条' % name)
    print('%s 吃面' % name)
    noodle_lock.release()
    fork_lock.release()


if __name__ == '__main__':
    for name in ['哪吒', 'egon', 'yuan']:
        t1 = Thread(target=eat1, args=(name,))
        t2 = Thread(target=eat2, args=(name,))
        t1.start()
        t2.start()
