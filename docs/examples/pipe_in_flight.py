"""Pipe: the main process sends two messages down a multiprocessing.Pipe before the child reads any.

In contui's Queues pane the pipe shows its two ends, whose each is, and the two messages in flight. Press Enter (in
contui: i, then Enter): the child reads both and sends an answer back.
"""
import multiprocessing as mp


def child(conn, may_read):
    may_read.wait()
    first, second = conn.recv(), conn.recv()
    conn.send(f"got {first!r} and {second!r}")
    conn.close()


if __name__ == "__main__":
    parent_end, child_end = mp.Pipe()
    may_read = mp.Event()
    reader = mp.Process(target=child, args=(child_end, may_read), name="reader")
    reader.start()
    parent_end.send("hello")
    parent_end.send([1, 2, 3])
    print("press Enter to let the child read")
    input()
    may_read.set()
    print(parent_end.recv())
    reader.join()
