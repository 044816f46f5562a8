"""Three threads that wait about a second each, in ways the tracer sees (accept(), input()) and one it does not (a
bare os.read on a pipe): the test checks they are never shown running while they wait."""
import os
import socket
import threading

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
read_end, write_end = os.pipe()


def accepts():
    conn, _ = server.accept()
    print("accepted", conn.recv(16).decode(), flush=True)
    conn.close()


def reads_a_pipe():
    print("pipe read begins", flush=True)
    data = os.read(read_end, 16)
    print("pipe read", data.decode(), flush=True)


threading.Thread(target=accepts, name="acceptor").start()
reader = threading.Thread(target=reads_a_pipe, name="pipe-reader")
reader.start()
print("ready", flush=True)
line = input()  # the test types a line a second after "ready"
print("typed", line, flush=True)
os.write(write_end, b"bytes")
reader.join()
client = socket.create_connection(server.getsockname())
client.sendall(b"hello")
client.close()
