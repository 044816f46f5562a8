"""Waits that look like a deadlock for a moment and are none: two threads take two locks in opposite order but
give up after a timeout and try again; an RLock taken again by its owner; a condition's wait (it lets its lock go);
and a thread holding a lock through a long sleep while another waits for it."""
import threading
import time

first, second = threading.Lock(), threading.Lock()
both_hold_one = threading.Barrier(2)


def polite(mine, theirs, name):
    """Takes its own lock, then tries the other's for 0.3 s at a time: one of the two gives up and lets go."""
    done = False
    tries = 0
    while not done:
        with mine:
            if tries == 0:
                both_hold_one.wait()  # the first time, both hold their own lock: each waits for the other's
            if theirs.acquire(timeout=0.3):
                theirs.release()
                done = True
        tries += 1
        time.sleep(0.05 if name == "polite_a" else 0.2)  # so that one of them gets both next time
    print(name, "got both after", tries, "tries")


recursive = threading.RLock()


def again(depth):
    with recursive:
        if depth:
            again(depth - 1)


ready = threading.Condition()
flag = []


def waiter():
    with ready:
        while not flag:
            ready.wait()
    print("the condition's waiter woke up")


slow = threading.Lock()


def sleeper():
    with slow:
        time.sleep(0.5)


if __name__ == "__main__":
    threads = [threading.Thread(target=polite, args=(first, second, "polite_a")),
               threading.Thread(target=polite, args=(second, first, "polite_b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    again(5)
    w = threading.Thread(target=waiter)
    w.start()
    time.sleep(0.3)  # the waiter waits on the condition, its lock free
    with ready:
        flag.append(1)
        ready.notify()
    w.join()
    s = threading.Thread(target=sleeper)
    s.start()
    time.sleep(0.1)
    with slow:  # waits for the sleeper's half-second hold: slow, not stuck
        pass
    s.join()
    print("done")
