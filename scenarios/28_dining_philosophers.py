"""哲学家就餐：五把叉子，先拿左手的，有时会死锁 | Dining philosophers: five forks, left one first, and sometimes a deadlock

Course: 并发编程之多线程 · 死锁与递归锁 | Multithreading · deadlock and the recursive lock

看点:
- 5 个哲学家围着桌子坐，每两人之间一把叉子（5 把 Lock）：每人想一会儿，先拿左手的叉子，停 0.3 秒，再拿右手的，吃完两把都放下；每人吃 3 碗。
- 想多久是随机的：多数时候大家错开了，都能吃完，程序正常结束。
- 有时 5 个人在 0.3 秒内都拿起了左手的叉子：每人都在等右手那把，而它在右边邻居的左手里。5 个线程围成一个环，谁也不放手，程序卡住。
- contui 在环形成的那一刻冻结运行，横幅写出每个人拿着哪把叉子（fork0 ... fork4）、在等哪一把；按 s 结束。给个种子就每次都一样：contui run dining_philosophers 139441 每次都死锁。
- 守护线程“看门狗”在剧情时间 10 秒后报告并结束卡死的程序（contui 冻结运行时，它的时钟也停着）。

Watch:
- 5 philosophers sit round a table with a fork (one of 5 Locks) between each two: each thinks a while, takes the left fork, waits 0.3 s, takes the right one, eats, and puts both down; 3 bowls each. [stdout 拿起了左手的叉子]
- How long each thinks is random: mostly they take turns, everyone eats, and the program ends.
- Sometimes all 5 pick up their left fork within those 0.3 s: each then waits for the right one, which is in the left hand of the neighbour on the right. The 5 threads make a ring, none lets go, and the program hangs.
- contui freezes the run the moment the ring closes; the banner says which fork (fork0 ... fork4) each holds and which it waits for. Press s to end it. A seed makes it the same every time: contui run dining_philosophers 139441 deadlocks every time.
- A daemon watchdog thread ends the hung program after 10 s of scenario time (its clock stands still while contui holds the run frozen).

改写: 新增：课程的死锁，换成五把锁围成一个环（经典的哲学家就餐问题）。思考时间来自 random.Random(seed)，由主线程在任何哲学家开始之前全部抽好，种子取自 sys.argv[1]（不给则每次运行都不同）；种子 139441 让五个人第一次的思考时间彼此相差不到 0.06 秒，远小于每人在两把叉子之间停的 0.3 秒，所以五个人都在有人去拿右手的叉子之前拿起了左手的叉子：每次都死锁。守护线程“看门狗”在 10 秒后以退出码 1 退出，这样卡住的运行不用 contui 也会结束。

Modernised: added: the course's deadlock with five locks in a ring (the classic dining philosophers). The think times come from random.Random(seed), all drawn by the main thread before any philosopher starts, the seed from sys.argv[1] (none: different every run); seed 139441 has all five first think times within 0.06 s of each other, well inside the 0.3 s each waits between its two forks, so all five hold their left fork before any asks for its right one: a deadlock every time. A daemon watchdog thread exits with code 1 after 10 s, so that a hung run also ends without contui.
"""
from threading import Thread, Lock
import os
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
    left = forks[i]
    right = forks[(i + 1) % 5]
    for n, think in enumerate(think_times):
        time.sleep(think)  # 想一会儿
        left.acquire()
        print('%s 拿起了左手的叉子 fork%s' % (name, i))
        time.sleep(0.3)  # 左手拿着叉子，停一下：死锁就发生在这 0.3 秒里
        right.acquire()
        print('%s 拿起了右手的叉子 fork%s，吃第 %s 碗面' % (name, (i + 1) % 5, n + 1))
        time.sleep(0.2)  # 吃面
        right.release()
        left.release()
    print('%s 吃饱了' % name)


def watchdog(seconds):
    time.sleep(seconds)
    print('看门狗：%s 秒了还没吃完，死锁了，结束程序' % seconds)
    os._exit(1)


if __name__ == '__main__':
    # python 28_dining_philosophers.py 139441：给了种子，每次想的时间都一样；不给就每次不一样
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else None
    dice = random.Random(seed)
    Thread(target=watchdog, args=(10,), daemon=True).start()
    threads = []
    for i, name in enumerate(['egon', 'alex', 'yuan', 'wupeiqi', 'lary']):
        think_times = [dice.uniform(0, 1) for _ in range(3)]  # 先掷好骰子，再开线程
        threads.append(Thread(target=philosopher, args=(name, i, think_times), name=name))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('主：大家都吃饱了')
