"""Events as the documentation describes them: workers (processes, then threads) wait until the main one sets the
flag; a wait with a timeout on a flag nobody sets returns False."""
import multiprocessing
import sys
import threading


def worker(start, i):
    start.wait()
    print(f"worker {i} started")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        multiprocessing.set_start_method(sys.argv[1])
    start = multiprocessing.Event()
    processes = [multiprocessing.Process(target=worker, args=(start, i)) for i in range(3)]
    for p in processes:
        p.start()
    print("setting the flag")
    start.set()
    for p in processes:
        p.join()

    ready = threading.Event()
    threads = [threading.Thread(target=worker, args=(ready, i)) for i in range(3, 5)]
    for t in threads:
        t.start()
    ready.set()
    for t in threads:
        t.join()
    ready.clear()
    print("is set after clear():", ready.is_set())
    print("wait(0.01) on a flag nobody sets:", multiprocessing.Event().wait(0.01))
