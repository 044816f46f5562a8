"""多线程实现并发的套接字通信 | A threaded TCP echo server

Course: 并发编程之多线程 · 基于多线程的套接字服务端 | Multithreading · a socket server with one thread per connection

看点:
- 服务端线程在 127.0.0.1 上 accept()，每来一个连接打印对方地址，并为它开一个子线程。
- 子线程打印自己的名字，把收到的数据转成大写发回去；连接关闭时子线程结束。
- 3 秒内没有人输入时，两个客户端同时连接，各自每隔 0.5 秒发一条消息：两个连接、两个子线程同时存在。
- 按 i 输入的行由另一个客户端发出，打印大写的回复（3 秒内输入则不运行那两个客户端）；Ctrl+D 结束输入，服务端关闭，主线程打印“主”，程序结束。

Watch:
- The server thread accept()s on 127.0.0.1, prints each peer's address and starts a thread for it. [stdout ('127.0.0.1']
- Each connection thread prints its name and sends the data back in upper case; it ends when the connection closes. [stdout 子线程:]
- If nobody types within 3 s, two clients connect at once and send a message every 0.5 s: two connections, two server threads side by side. [stdout client-2 <<:]
- Lines typed with i are sent by a client of their own, which prints the upper-case reply (typed within 3 s, they replace the two clients); Ctrl+D ends the input, the server is shut down, the main thread prints 主 and the program ends. [state exited]

改写: current_thread().getName() 改成 .name；服务端和客户端合在一个脚本里：服务端在 127.0.0.1 上绑定一个空闲端口（不是 8081），accept 循环放在名为 server 的守护线程里（所以“主线程”那一行打印的是这个名字），监听套接字被 shutdown 后停止。在终端里运行时，客户端就是课程的 input('>>:') 循环；否则它把标准输入的每一行随到随发，直到输入结束，读到第一行时才连接；如果 3 秒内没有一行到来（按 time.monotonic() 计时，所以 contui 的速度和冻结对它同样有效），或者标准输入是空的（< /dev/null），就在这期间运行两个写好的客户端。

Modernised: current_thread().getName() became .name; server and client share one script: the server binds a free port on 127.0.0.1 (not 8081) and runs its accept loop in a daemon thread named server (so its 主线程 line shows that name) and stops when the listening socket is shut down. At a terminal the client is the course's input('>>:') loop. Otherwise it sends each line of stdin as it comes, until stdin ends, connecting at the first line; if no line comes within 3 s (read on time.monotonic(), so contui's speed and freeze apply) or stdin is empty (< /dev/null), two scripted clients run meanwhile.
"""
from threading import Thread, current_thread
from socket import *
import select
import sys
import time

WAIT_FOR_A_LINE = 3  # seconds: no line on stdin by then, and the two scripted clients start
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


def first_line(seconds):
    """The first line on stdin if it comes within ``seconds``; '' if stdin ends first (or there is none); None if
    nothing came. select() is asked every 0.1 s and time.monotonic() says when the seconds are up."""
    if sys.stdin is None:
        return ''
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([sys.stdin], [], [], 0.1)[0]:
            return sys.stdin.readline()
    return None


def iter_lines(first):
    if first:
        yield first
    yield from sys.stdin or ()  # not list(sys.stdin): that would wait for the end of the input


def piped_client(port, lines):
    client = None
    for line in lines:  # lines are read as they arrive, until stdin ends
        msg = line.strip()
        if not msg: continue
        if client is None:  # connects at the first line: no idle third connection beside the scripted ones
            client = connect(port)
        print('>>:%s' % msg)
        print(talk(client, msg))
    if client is not None:
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
        first = first_line(WAIT_FOR_A_LINE)
        # Nothing typed in time, or nothing on stdin at all: two scripted clients at once, while stdin is still read.
        clients = [] if first else [Thread(target=scripted_client, args=(port, msgs), name=name)
                                    for name, msgs in SCRIPTED.items()]
        for c in clients:
            c.start()
        piped_client(port, iter_lines(first))
        for c in clients:
            c.join()

    # shutdown() wakes the accept() blocked in the server thread (close() alone would not).
    listener.shutdown(SHUT_RDWR)
    server_thread.join(timeout=2)
    print('主')
