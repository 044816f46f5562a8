"""抢票：不加锁 | Ticket sale without a lock

Course: 并发编程之多进程 · 进程同步 | Multiprocessing · process synchronisation

看点:
- 10 个买票进程同时开始，先查票的几个都看到剩余票数 1。
- 没有锁：好几个进程在第一个人写回 db.txt 之前读到了 count 1，都打印“购票成功”。
- 买票进程谁先结束由随机的睡眠决定；在主进程的 join() 轮到它之前就结束的进程，在那之前是僵尸：它已经结束，但父进程还没有收取它的退出状态，所以操作系统还保留着它的进程表项，标为 Z。主进程按开启的顺序逐个 join，每 join 一个，那个僵尸就消失。
- 最后一行：只有 1 张票，却卖出了好几张。

Watch:
- Ten buyer processes start together; the first ones to check the tickets all see 1 left. [stdout 查看剩余票数1]
- No lock: several buyers read count 1 before the first one writes db.txt back, and all print 购票成功. [stdout 购票成功]
- Which buyer ends first is up to the random sleeps; one that ends before the main process's join() gets to it is a zombie until then: it has ended, but its parent has not collected its exit status yet, so the OS keeps its entry, marked Z. The main process joins the buyers in the order it started them, and each zombie disappears as it is joined. [state zombie]
- The last line: there was 1 ticket, yet several were sold. [stdout 只有 1 张票]

改写: 课程只给了加锁的版本，这里是去掉锁的同一个程序。增加的部分：开始时把 db.txt 写成 1 张票；买到票的进程通过 Queue 报告；主进程 join 所有买票进程，再打印一行汇总。get() 先写临时文件、再用 os.replace 换掉 db.txt，因为课程的 json.dump(dic, open('db.txt', 'w')) 会短暂清空文件，这时来读票的进程会因 JSONDecodeError 崩溃。

Modernised: the course shows only the locked version; this is it without the lock. Added: db.txt is written with 1 ticket at start, buyers report a sale on a Queue, and main joins them all and prints a summary line; get() writes db.txt through a temp file and os.replace, because the course's json.dump(dic, open('db.txt', 'w')) briefly empties the file and a buyer reading then crashed with JSONDecodeError.
"""
from multiprocessing import Process, Queue
import json
import time
import random
import os


def search():
    time.sleep(random.randint(1, 3))
    dic = json.load(open('db.txt', 'r', encoding='utf-8'))
    print('%s 查看剩余票数%s' % (os.getpid(), dic["count"]))


def save(dic):
    # The course writes json.dump(dic, open('db.txt', 'w')): open() empties the file first, and a
    # buyer reading at that moment crashed with JSONDecodeError in about one run in three here.
    # Writing a new file and renaming it over db.txt lets readers see the old or the new count only.
    tmp = 'db.txt.%s.tmp' % os.getpid()
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(dic, f)
    os.replace(tmp, 'db.txt')


def get():
    dic = json.load(open('db.txt', 'r', encoding='utf-8'))
    if dic["count"] > 0:
        dic["count"] -= 1
        time.sleep(random.randint(1, 3))
        save(dic)
        print('%s 购票成功' % os.getpid())
        return True
    return False


def task(sold):
    search()
    if get():  # 没有加锁
        sold.put(os.getpid())


if __name__ == '__main__':
    with open('db.txt', 'w', encoding='utf-8') as f:
        json.dump({"count": 1}, f)
    sold = Queue()
    buyers = [Process(target=task, args=(sold,)) for i in range(10)]
    for p in buyers:
        p.start()
    for p in buyers:
        p.join()
    n = 0
    while not sold.empty():
        sold.get()
        n += 1
    print('主: 只有 1 张票，卖出了 %d 张 (1 ticket, %d sold)' % (n, n))
