"""孤儿进程：父进程先退出，子进程被收养 | Orphan: the parent exits first, the child is adopted

Course: 并发编程之多进程 · 孤儿进程 | Multiprocessing · orphan processes

看点:
- 子进程 A 开启孙进程 B 后立刻退出，B 还在运行，成了孤儿。
- B 先打印它的父进程 pid，就是 A。
- 2 秒后 B 再打印 ppid：已经换成了收养它的进程（init/systemd，或最近的 subreaper），并打印它的名字。
- B 自己结束后，主进程才打印“主”。

Watch:
- Child A starts grandchild B and exits at once; B keeps running, an orphan. [state orphaned]
- B first prints its parent's pid, which is A. [stdout 我的父进程是]
- 2 s later B prints its ppid again: now the adopter (init/systemd, or the nearest subreaper), with its name. [stdout 我的父进程现在是]
- B ends by itself, then the main process prints 主. [stdout 结束]

改写: 为课程里孤儿进程的定义专门写的演示（课程没有这段代码）；A 等 B 打印完第一行再退出，这样那一行写的父进程才是 A；因为 A 用 os._exit 退出，每次打印都 flush。

Modernised: a demonstration written for the course's definition of an orphan (the course has no code for it); A waits until B has printed its first line so that line names A; prints are flushed because A leaves by os._exit.
"""
from multiprocessing import Process, Pipe
import os
import time


def name_of(pid):
    try:
        with open('/proc/%d/comm' % pid) as f:
            return f.read().strip()
    except OSError:
        return '?'


def grandchild(ready):
    print('孙进程 B %s: 我的父进程是 %s (A)' % (os.getpid(), os.getppid()), flush=True)
    ready.send('printed')
    ready.close()
    time.sleep(2)
    ppid = os.getppid()
    print('孙进程 B %s: A 已经退出，我的父进程现在是 %s (%s)' % (os.getpid(), ppid, name_of(ppid)), flush=True)
    time.sleep(0.3)
    print('孙进程 B %s: 结束' % os.getpid(), flush=True)


def child():
    print('子进程 A %s: 开启孙进程 B' % os.getpid(), flush=True)
    reader, writer = Pipe(duplex=False)
    b = Process(target=grandchild, args=(writer,))  # not a daemon
    b.start()
    reader.recv()  # wait until B has printed its first ppid, while that is still A
    print('子进程 A %s: 我退出了，B 还在运行' % os.getpid(), flush=True)
    # multiprocessing joins a process's non-daemon children when its code ends, so an A
    # that returned normally would wait for B and never leave it orphaned. os._exit skips
    # that exit hook (and the flushing of stdout, hence flush=True above).
    os._exit(0)


if __name__ == '__main__':
    a = Process(target=child)
    a.start()
    a.join()
    print('主: 子进程 A 已退出，exitcode=%s' % a.exitcode, flush=True)
    time.sleep(3)  # B is no child of ours, we cannot join it: just give it time to finish
    print('主')
