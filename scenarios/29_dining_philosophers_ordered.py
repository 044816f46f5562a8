"""按顺序拿叉子：哲学家不再死锁 | Dining philosophers, fixed: forks taken in order, never a deadlock

Course: 并发编程之多线程 · 死锁与递归锁 | Multithreading · deadlock and the recursive lock

看点:
- 和上一个例子一样：5 个哲学家、5 把叉子，先拿一把，停 0.3 秒，再拿另一把，每人吃 3 碗。
- 只改了一处：每人先拿编号小的叉子，再拿编号大的。前 4 个人还是先左后右，lary 坐在 fork4 和 fork0 之间，所以他先拿右手的 fork0。
- 锁有了固定的先后顺序，等待就不会绕成一个环：lary 和 egon 抢 fork0，没抢到的人手里什么都没拿，总有一个人能拿到两把叉子吃完放下。
- 哪怕用上一个例子每次都死锁的种子（contui run dining_philosophers_ordered 139441），大家也都吃完了，程序正常结束。

Watch:
- As in the previous example: 5 philosophers, 5 forks; take one, wait 0.3 s, take the other; 3 bowls each. [stdout 拿起了叉子]
- One change only: each takes the lower-numbered fork first, then the higher one. The first four still take left then right; lary sits between fork4 and fork0, so he takes fork0, on his right, first. [stdout lary 拿起了叉子 fork0]
- With one fixed order for the locks the waits can never close into a ring: lary and egon race for fork0, the one who loses holds nothing, and someone always has both forks, eats and puts them down. [stdout 碗面]
- Even with the seed that makes the previous example deadlock every time (contui run dining_philosophers_ordered 139441) everyone eats and the program ends. [stdout 大家都吃饱了]

改写: 新增：哲学家就餐死锁的经典解法，按资源的固定顺序加锁（课程自己的解法是递归锁）；和 28_dining_philosophers.py 是同一个程序（sys.argv[1] 给同一个种子，思考时间也相同），只是两把叉子按编号顺序拿，而且没有看门狗，因为它不会卡住。

Modernised: added: the classic fix for the dining philosophers' deadlock, resource ordering (the course's own fix is the recursive lock); the same program as 28_dining_philosophers.py (the same seed in sys.argv[1] gives the same think times) with the two forks taken in order and no watchdog, since it cannot hang.
"""
from threading import Thread, Lock
import sys
import time
import random

fork0 = Lock()
fork1 = Lock()
fork2 = Lock()
fork3 = Lock()
fork4 = Lock()
forks = [fork0, fork1, fork2, fork3, fork4]


def philosopher(name, i, think_times):
    first, second = sorted([i, (i + 1) % 5])  # 先拿编号小的叉子
    for n, think in enumerate(think_times):
        time.sleep(think)  # 想一会儿
        forks[first].acquire()
        print('%s 拿起了叉子 fork%s' % (name, first))
        time.sleep(0.3)
        forks[second].acquire()
        print('%s 拿起了叉子 fork%s，吃第 %s 碗面' % (name, second, n + 1))
        time.sleep(0.2)  # 吃面
        forks[second].release()
        forks[first].release()
    print('%s 吃饱了' % name)


if __name__ == '__main__':
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else None
    dice = random.Random(seed)
    threads = []
    for i, name in enumerate(['egon', 'alex', 'yuan', 'wupeiqi', 'lary']):
        think_times = [dice.uniform(0, 1) for _ in range(3)]
        threads.append(Thread(target=philosopher, args=(name, i, think_times), name=name))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('主：大家都吃饱了')
