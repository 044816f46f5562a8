"""multiprocessing.Pipe ping-pong: SHAPE_N messages in all between two processes, each answering the other's last
(the main process sends a number, the child sends it back plus one). Writes {"seconds", "n", "result" (the last
number back)} to SHAPE_OUT; the time runs from the child's start to its join."""
import json
import multiprocessing
import os
import time

N = int(os.environ.get("SHAPE_N", "100000"))


def echo(conn, rounds):
    for _ in range(rounds):
        conn.send(conn.recv() + 1)
    conn.close()


def main():
    rounds = max(1, N // 2)
    here, there = multiprocessing.Pipe()
    start = time.perf_counter()
    child = multiprocessing.Process(target=echo, args=(there, rounds))
    child.start()
    value = 0
    for _ in range(rounds):
        here.send(value)
        value = here.recv()
    child.join()
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": 2 * rounds, "result": value}, fh)


if __name__ == "__main__":
    main()
