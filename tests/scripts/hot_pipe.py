"""The main process and a child play ping-pong over a Pipe 20,000 times, a hot loop on both ends; the child takes
its time over the next message, "slow" (the main process waits in a hot recv()); then the main rests and sends
"after", which the child echoes, and None, which ends it."""
import multiprocessing as mp
import time

N = 20_000


def echo(conn):
    while (message := conn.recv()) is not None:
        if message == "slow":
            time.sleep(0.6)
        conn.send(message)


if __name__ == "__main__":
    mine, theirs = mp.Pipe()
    child = mp.Process(target=echo, args=(theirs,))
    child.start()
    total = 0
    for i in range(N):
        mine.send(i)
        total += mine.recv()
    mine.send("slow")
    mine.recv()
    time.sleep(0.5)  # the rate drops to nothing: the pipe is no longer hot
    mine.send("after")
    print("echoed", mine.recv(), total)
    mine.send(None)
    child.join()
