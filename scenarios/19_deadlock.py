"""死锁：科学家吃面，两把锁按相反的顺序拿 | Deadlock: scientists eating noodles, two locks taken in opposite order

Course: 并发编程之多线程 · 死锁与递归锁 | Multithreading · deadlock and the recursive lock

看点:
- 每个人吃面要两把锁：面条锁 noodle_lock 和叉子锁 fork_lock；eat1 先拿面条再拿叉子，eat2 先拿叉子再拿面条。
- 谁先抢到是操作系统说了算：有时第一个人的 eat1 很快拿到两把锁吃完，有时 eat2 先拿到叉子；eat2 拿到叉子后睡 1 秒，这时别人已经拿走了面条。
- 一个线程拿着叉子等面条，另一个拿着面条等叉子：谁也不放手，程序卡住，永远不会结束。
- contui 在环形成的那一刻冻结运行，横幅说出谁拿着什么、在等什么；按 s 结束。
- 守护线程“看门狗”在剧情时间 10 秒后报告并结束卡死的程序（contui 冻结运行时，它的时钟也停着）。

Watch:
- Eating takes two locks, noodle_lock and fork_lock; eat1 takes the noodles then the fork, eat2 the fork then the noodles. [lock.order]
- Who gets there first is the OS's choice: sometimes the first eat1 gets both at once and eats, sometimes eat2 takes the fork first; eat2 sleeps 1 s holding the fork, and by then someone else holds the noodles.
- One thread holds the fork and waits for the noodles, another holds the noodles and waits for the fork: neither lets go, and the program hangs for ever. [deadlock]
- contui freezes the run the moment the cycle forms; the banner says who holds what and waits for what. Press s to end it. [deadlock]
- A daemon watchdog thread ends the hung program after 10 s of scenario time (its clock stands still while contui holds the run frozen).

改写: 增加了一个守护线程“看门狗”：程序按设计会卡住，有了它，不用 contui 运行时也会结束（10 秒后说明原因，以退出码 1 退出）；其余都是课程的代码。

Modernised: added: a daemon watchdog thread, so that the program, which hangs by design, also ends when run without contui (after 10 s it says so and exits with code 1); the rest is the course's code.
"""
from threading import Thread, Lock
import os
import time

noodle_lock = Lock()
fork_lock = Lock()


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


def watchdog(seconds):
    time.sleep(seconds)
    print('看门狗：%s 秒了还没吃完，死锁了，结束程序' % seconds)
    os._exit(1)


if __name__ == '__main__':
    Thread(target=watchdog, args=(10,), daemon=True).start()
    for name in ['哪吒', 'egon', 'yuan']:
        t1 = Thread(target=eat1, args=(name,))
        t2 = Thread(target=eat2, args=(name,))
        t1.start()
        t2.start()
