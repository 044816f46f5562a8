"""A threading.Condition ping-pong between two threads: SHAPE_N turns in all, each thread waiting for its turn,
taking it and notifying the other. Writes {"seconds", "n", "result" (the turns taken)} to SHAPE_OUT."""
import json
import os
import threading
import time

N = int(os.environ.get("SHAPE_N", "20000"))


class Table:
    def __init__(self):
        self.cond = threading.Condition()
        self.turn = 0  # turns taken so far; thread k takes the even (k=0) or odd (k=1) ones


def player(table, k, n):
    with table.cond:
        while True:
            while table.turn < n and table.turn % 2 != k:
                table.cond.wait()
            if table.turn >= n:
                table.cond.notify()
                return
            table.turn += 1
            table.cond.notify()


def main():
    table = Table()
    start = time.perf_counter()
    threads = [threading.Thread(target=player, args=(table, k, N)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    with open(os.environ["SHAPE_OUT"], "w") as fh:
        json.dump({"seconds": seconds, "n": N, "result": table.turn}, fh)


if __name__ == "__main__":
    main()
