"""A child puts 50,000 numbers on a multiprocessing Queue in a hot loop, rests, puts "after" and then None; the main
process gets them all. Then the main process passes 20,000 numbers through a queue.Queue of its own."""
import multiprocessing as mp
import queue
import time

N = 50_000
M = 20_000


def produce(q):
    for i in range(N):
        q.put(i)
    time.sleep(0.5)  # the rate drops to nothing: the queue is no longer hot
    q.put("after")
    q.put(None)


if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q,))
    p.start()
    got, total = 0, 0
    while (item := q.get()) is not None:
        if item != "after":
            got += 1
            total += item
    p.join()
    print("got", got, "sum", total)

    tq = queue.Queue()
    for i in range(M):
        tq.put(i)
        tq.get()
    print("passed", M)
