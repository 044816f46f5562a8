"""僵尸进程：子进程已退出，父进程还没收尸 | Zombie: the child has exited, the parent has not reaped it

Course: 并发编程之多进程 · 僵尸进程 | Multiprocessing · zombie processes

看点:
- 子进程打印一行后立即退出，但它的进程描述符还留在系统里。
- 父进程自己读 /proc/<pid>/stat，状态字母是 Z：僵尸。
- 大约 3 秒内僵尸一直在进程表里，因为父进程没有调用 wait/waitpid。
- p.join() 替父进程调用 waitpid 收尸，随后 /proc/<pid> 消失。

Watch:
- The child prints one line and exits at once, yet its process entry stays in the system.
- The parent reads /proc/<pid>/stat itself: the state letter is Z, a zombie. [state zombie]
- For about 3 s the zombie stays in the process table, because the parent has not called wait/waitpid.
- p.join() calls waitpid and reaps it; then /proc/<pid> is gone. [stdout 已经消失]

改写: 为课程里僵尸进程的定义专门写的演示（课程没有这段代码）；它要读 /proc，所以只能在 Linux 上运行。

Modernised: a demonstration written for the course's definition of a zombie (the course has no code for it); Linux-only, as it reads /proc.
"""
from multiprocessing import Process
import os
import time

STATES = {'R': '运行 running', 'S': '睡眠 sleeping', 'D': '不可中断 disk sleep',
          'Z': '僵尸 zombie', 'T': '停止 stopped', 'X': '死亡 dead'}


def task():
    print('子进程 %s: 我打印完这一行就退出' % os.getpid())


def state_of(pid):
    """The state letter from /proc/<pid>/stat, or None if the process is gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except FileNotFoundError:
        return None
    # The name in parentheses may itself contain spaces or ')'; the state follows the last ')'.
    return stat.rsplit(')', 1)[1].split()[0]


if __name__ == '__main__':
    if not os.path.isdir('/proc'):
        print('没有 /proc：这个演示只能在 Linux 上运行 (no /proc: this demo needs Linux)')
        raise SystemExit(0)

    p = Process(target=task)
    p.start()
    pid = p.pid
    print('主: 启动了子进程 %s，现在不调用 join()/is_alive()' % pid)

    # is_alive(), join() and active_children() all call waitpid and would reap the
    # zombie we want to show, so we watch the child through /proc only.
    for _ in range(100):
        if state_of(pid) in ('Z', None):
            break
        time.sleep(0.1)

    for second in range(3):
        s = state_of(pid)
        print('主: 子进程 %s 的状态: %s (%s)' % (pid, s, STATES.get(s, s)))
        time.sleep(1)

    p.join()  # waitpid: the parent finally collects the exit status
    print('主: join() 之后 /proc/%s %s' % (pid, '还在' if os.path.exists('/proc/%d' % pid) else '已经消失 (gone)'))
    print('主')
