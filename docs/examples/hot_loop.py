"""A hot loop: two processes add to a shared Value under its lock, as fast as they can, and put every tenth number
on a Queue that a thread of the main process empties, until you press Enter.

A lock taken a million times cannot be shown one acquire at a time. Past about 6,400 operations a second, each
process counts instead, and contui shows what was counted at least 30 times a second: the lock's card gets a hot row
(acquires, waits, hold times), its owner still changes as the processes take turns, the queue's items put in the
loop show as ⋯, and the timeline marks the stretch with ≋. Press Enter (in contui: i, then Enter) to stop the loop:
the total is exact, and every operation after the loop is shown one by one again.
"""
import multiprocessing as mp
import threading


def adder(counter, numbers, stop, additions, slot):
    added = 0
    while not stop.is_set():
        for _ in range(1000):
            with counter.get_lock():
                counter.value += 1
            added += 1
            if added % 10 == 0:
                numbers.put(added)
    additions[slot] = added
    numbers.put(None)
    print(mp.current_process().name, "stopped")


def take(numbers, senders, got):
    ended = 0
    while ended < senders:
        if numbers.get() is None:
            ended += 1
        else:
            got.append(1)


if __name__ == "__main__":
    counter = mp.Value("i", 0)
    additions = mp.Array("i", 2)  # how many each adder made: the total must be their sum
    numbers = mp.Queue()
    stop = mp.Event()
    adders = [mp.Process(target=adder, args=(counter, numbers, stop, additions, i), name=f"adder-{i + 1}")
              for i in (0, 1)]
    for a in adders:
        a.start()
    got = []
    taker = threading.Thread(target=take, args=(numbers, len(adders), got), name="taker")
    taker.start()
    print("press Enter to stop the hot loop")
    input()
    stop.set()
    taker.join()
    for a in adders:
        a.join()
    print("the lock kept every addition:", counter.value == sum(additions))
    print("every tenth number came through the queue:", len(got) == sum(additions) // 10)
