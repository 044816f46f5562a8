"""管道：两端都能收发的 Pipe | Pipe: a connection with two ends

Course: 并发编程之多进程 · 进程间通信的第二种模式：管道 | Multiprocessing · the second IPC mode: pipes

看点:
- Pipe() 返回两个端口：父进程留一端，子进程拿另一端。
- 父进程 send() 一条消息，子进程 recv() 收到并打印，再回复一条。
- 父进程收到回复并打印；双方用完都 close() 自己那一端。
- 另一端全部关闭后，父进程再 recv() 得到 EOFError：这就是要关掉不用的端口的原因。

Watch:
- Pipe() returns two ends: the parent keeps one, the child gets the other. [proc.spawn]
- The parent sends a message; the child receives it, prints it and replies. [stdout 收到: 你好，子进程]
- The parent receives and prints the reply; each side closes its own end when done. [stdout 收到: 你好，父进程]
- With every copy of the other end closed, one more recv() in the parent raises EOFError: that is why unused ends are closed. [stdout EOFError]

改写: 课程只提到了管道；这个例子是专门为它写的。

Modernised: the course only names pipes; this example is written for it.
"""
from multiprocessing import Process, Pipe
import os


def child(conn):
    msg = conn.recv()
    print('子进程 %s 收到: %s' % (os.getpid(), msg))
    conn.send('你好，父进程 (hello, parent)')
    conn.close()


if __name__ == '__main__':
    parent_conn, child_conn = Pipe()
    p = Process(target=child, args=(child_conn,))
    p.start()
    child_conn.close()  # the child has its own copy; ours would keep the pipe open forever

    parent_conn.send('你好，子进程 (hello, child)')
    print('父进程 %s 收到: %s' % (os.getpid(), parent_conn.recv()))
    p.join()
    try:
        parent_conn.recv()
    except EOFError:
        print('父进程: 另一端已全部关闭, recv() -> EOFError')
    parent_conn.close()
    print('主')
