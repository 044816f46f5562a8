"""A one-seat semaphore used as a lock, and a lock, taken in opposite order by two threads: each holds one and waits
for the other (a barrier makes sure both hold their first before either asks for its second)."""
import threading

seat = threading.BoundedSemaphore(1)
mutex = threading.Lock()
both_hold_one = threading.Barrier(2)


def seat_then_lock():
    with seat:
        both_hold_one.wait()
        with mutex:
            print("never printed")


def lock_then_seat():
    with mutex:
        both_hold_one.wait()
        with seat:
            print("never printed")


if __name__ == "__main__":
    for target in (seat_then_lock, lock_then_seat):
        threading.Thread(target=target, name=target.__name__).start()
