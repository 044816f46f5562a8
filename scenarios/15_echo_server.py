"""多线程实现并发的套接字通信 | A threaded TCP echo server

Course: 并发编程之多线程 · 基于多线程的套接字服务端 | Multithreading · a socket server with one thread per connection

看点:
- 服务端线程在 127.0.0.1 上 accept()，每来一个连接打印对方地址，并为它开一个子线程。
- 子线程打印自己的名字，把收到的数据转成大写发回去；连接关闭时子线程结束。
- 没有终端输入时，两个客户端同时连接，各自发几条消息：可以看到两个连接、两个子线程同时存在。
- 客户端打印收到的大写回复。

Watch:
- The server thread accept()s on 127.0.0.1, prints each peer's address and starts a thread for it.
- Each connection thread prints its name and sends the data back in upper case; it ends when the connection closes.
- Without terminal input, two clients connect at once and send a few messages each: two connections, two server threads side by side.
- The client prints the upper-case reply.

Modernised: current_thread().getName() became .name; server and client share one script: the server binds a free port on 127.0.0.1 (not 8081) and runs its accept loop in a daemon thread named server (so its 主线程 line shows that name) and stops when the listening socket is shut down; the client reads stdin lines when stdin is not a terminal, or runs two scripted clients when stdin gives nothing.
"""
from threading import Thread, current_thread
from socket import *
import sys
import time

SCRIPTED = {'client-1': ['hello', 'concurrency', 'bye'],
            'client-2': ['threads', 'sockets', 'done']}


def communicate(conn):
    print('子线程:%s' % current_thread().name)
    while True:
        try:
            data = conn.recv(1024)
            if not data: break
            conn.send(data.upper())
        except ConnectionResetError:
            break
    conn.close()


def server(server):
    print('主线程:%s' % current_thread().name)
    while True:
        try:
            conn, addr = server.accept()
        except OSError:  # the listening socket was shut down: stop serving
            break
        print(addr)
        t = Thread(target=communicate, args=(conn,))
        t.start()
    server.close()


def connect(port):
    client = socket(AF_INET, SOCK_STREAM)
    client.connect(('127.0.0.1', port))
    return client


def talk(client, msg):
    client.send(msg.encode('utf-8'))
    data = client.recv(1024)
    return data.decode('utf-8')


def interactive_client(port):
    client = connect(port)
    time.sleep(0.2)  # let the server print its lines before the first prompt
    while True:
        try:
            msg = input('>>:').strip()
        except (EOFError, KeyboardInterrupt):  # Ctrl+D / Ctrl+C ends the client
            print()
            break
        if not msg: continue
        print(talk(client, msg))
    client.close()


def iter_lines(first_line):
    yield first_line
    yield from sys.stdin  # not list(sys.stdin): that would wait for the end of the input


def piped_client(port, first_line):
    client = connect(port)
    for line in iter_lines(first_line):  # lines are read as they arrive
        msg = line.strip()
        if not msg: continue
        print('>>:%s' % msg)
        print(talk(client, msg))
    client.close()


def scripted_client(port, messages):
    client = connect(port)
    for msg in messages:
        print('%s >>:%s' % (current_thread().name, msg))
        print('%s <<:%s' % (current_thread().name, talk(client, msg)))
        time.sleep(0.5)  # keep both connections open side by side for a while
    client.close()


if __name__ == '__main__':
    listener = socket(AF_INET, SOCK_STREAM)
    listener.bind(('127.0.0.1', 0))  # port 0: the OS picks a free port
    listener.listen(5)
    port = listener.getsockname()[1]
    print('服务端监听 127.0.0.1:%s' % port)
    server_thread = Thread(target=server, args=(listener,), name='server', daemon=True)
    server_thread.start()

    if sys.stdin is not None and sys.stdin.isatty():
        interactive_client(port)
    else:
        first_line = sys.stdin.readline() if sys.stdin is not None else ''
        if first_line:
            piped_client(port, first_line)
        else:  # nothing on stdin (e.g. < /dev/null): two scripted clients at once
            clients = [Thread(target=scripted_client, args=(port, msgs), name=name)
                       for name, msgs in SCRIPTED.items()]
            for c in clients:
                c.start()
            for c in clients:
                c.join()

    # shutdown() wakes the accept() blocked in the server thread (close() alone would not).
    listener.shutdown(SHUT_RDWR)
    server_thread.join(timeout=2)
    print('主')
