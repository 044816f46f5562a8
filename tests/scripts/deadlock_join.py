"""The main thread holds a lock and joins a thread that needs that lock: each waits for the other, for ever (the
lock is taken before the thread starts, so it always is)."""
import threading

mutex = threading.Lock()


def needs_the_lock():
    with mutex:
        print("never printed")


if __name__ == "__main__":
    with mutex:
        worker = threading.Thread(target=needs_the_lock, name="worker")
        worker.start()
        worker.join()
