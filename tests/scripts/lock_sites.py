"""Locks taken at different lines, by with and by acquire(): each acquire must name its own line."""
import multiprocessing, threading
if __name__ == "__main__":
    L = multiprocessing.Lock()
    T = threading.Lock()
    S = threading.Semaphore(2)
    with L:
        pass
    L.acquire()
    L.release()
    with T:
        pass
    T.acquire(); T.release()
    with S:
        pass
