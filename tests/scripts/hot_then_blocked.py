"""A thread takes lock `a` in a hot loop, then holds `b` and waits for `a`, which another thread holds while it
tries `b` for one second: a wait that lasts, on a lock whose acquires were being summarised."""
import threading

a = threading.Lock()
b = threading.Lock()
a_held = threading.Event()
b_held = threading.Event()


def hot_then_wait():
    for _ in range(100_000):
        with a:
            pass
    with b:
        b_held.set()
        a_held.wait()
        with a:  # blocks until the other thread gives up on b and lets a go
            print("hot thread got a")


def holder():
    b_held.wait()  # the hot loop is over
    with a:
        a_held.set()
        print("holder got b:", b.acquire(timeout=1))


if __name__ == "__main__":
    threads = [threading.Thread(target=hot_then_wait, name="hot"), threading.Thread(target=holder, name="holder")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
