"""Two Pipes (a duplex one and a one-way one) between a parent and its child, with lines saying how many messages
are in flight each way at chosen moments: the model folded up to each CHECK line must say the same."""
from multiprocessing import Process, Pipe


def worker(conn, w):
    print("worker got", conn.recv(), conn.recv())
    for i in range(3):
        conn.send(i)
    w.send("done")
    w.close()
    conn.close()


if __name__ == "__main__":
    parent_conn, child_conn = Pipe()
    r, w = Pipe(duplex=False)
    parent_conn.send("one")
    parent_conn.send(2)
    print("CHECK child_conn 2 parent_conn 0 r 0")  # both sent before the receiver even exists
    p = Process(target=worker, args=(child_conn, w))
    p.start()
    child_conn.close()
    w.close()
    p.join()
    print("CHECK child_conn 0 parent_conn 3 r 1")  # the child sent them all and ended: nothing received yet
    print("main got", [parent_conn.recv() for _ in range(3)])
    print("main got", r.recv())
    try:
        r.recv()  # the pipe is empty and every copy of w is closed: this recv finds nothing and raises
    except EOFError:
        print("EOFError")
    parent_conn.close()
    r.close()
