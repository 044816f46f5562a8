"""守护进程：主进程代码结束，守护进程随即终止 | Daemon process: killed when the main code ends

Course: 并发编程之多进程 · 守护进程 | Multiprocessing · daemon processes

看点:
- 守护进程 lary 打印 is running 后开始睡 3 秒。
- 第二个守护进程 alex 想开启自己的子进程，得到 AssertionError: daemonic processes are not allowed to have children。
- alex 打印 AssertionError 后立刻结束，却没有人 join 它：主进程睡觉的这 1 秒里它是僵尸。它已经结束，但父进程还没有收取它的退出状态，所以操作系统还保留着它的进程表项，标为 Z；主进程退出时替它收尸（join() 或 is_alive() 都会收尸），它才消失。
- 1 秒后主进程打印“主”，代码结束，lary 随即被终止（SIGTERM），永远打印不出 lary is done。

Watch:
- The daemon lary prints is running and starts a 3 s sleep. [stdout lary is running]
- A second daemon, alex, tries to start a child of its own and gets AssertionError: daemonic processes are not allowed to have children. [stdout AssertionError]
- alex ends right after its AssertionError, yet nobody joins it: for the main process's 1 s sleep it is a zombie. It has ended, but its parent has not collected its exit status yet, so the OS keeps its entry, marked Z; it disappears when the main process, on its way out, collects it (join() or is_alive() would too). [state zombie]
- After 1 s the main process prints 主 and its code ends; lary is terminated at once (SIGTERM) and never prints lary is done. [state daemon-killed]

改写: 增加了第二个守护进程 alex，用来演示 AssertionError；打印“主”之前加了 time.sleep(1)，让两个守护进程都能打印出第一行（课程里“主”最先打印）。

Modernised: added the second daemon (alex) that shows the AssertionError, and time.sleep(1) before 主 so both daemons print their first line (in the course 主 comes first).
"""
from multiprocessing import Process
import time


def task(name):
    print('%s is running' % name)
    time.sleep(3)
    print('%s is done' % name)


def task_with_child(name):
    print('%s is running, 试着开启子进程' % name)
    try:
        Process(target=task, args=('grandchild',)).start()
    except AssertionError as e:
        print('%s: AssertionError: %s' % (name, e))


if __name__ == '__main__':
    p = Process(target=task, args=('lary',))
    p.daemon = True  # 将子进程设置为守护进程
    p.start()
    p2 = Process(target=task_with_child, args=('alex',))
    p2.daemon = True
    p2.start()
    time.sleep(1)
    print('主')
