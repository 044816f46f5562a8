"""The script's own Condition and Semaphore (a subclass of each too) report; the standard library's keep their
class's own methods. Prints what it finds."""
import queue
import threading
from concurrent.futures import Future


class LoudCondition(threading.Condition):
    def notify(self, n=1):
        print("LoudCondition.notify")
        super().notify(n)

    def notify_all(self):
        print("LoudCondition.notify_all")
        super().notify_all()


class CountingSemaphore(threading.BoundedSemaphore):
    taken = 0

    def acquire(self, blocking=True, timeout=None):
        CountingSemaphore.taken += 1
        return super().acquire(blocking, timeout)


def own_methods(obj, *names):
    """Every method named is the one of the standard library's class itself, not a tracer's."""
    return all(getattr(type(obj), name).__module__ == "threading" for name in names)


future, q = Future(), queue.Queue()
print("library's conditions keep their methods:",
      own_methods(future._condition, "wait", "notify", "notify_all") and own_methods(q.not_empty, "wait", "notify"))
print("library's semaphore keeps its methods:",
      own_methods(threading.Semaphore.__new__(threading.Semaphore), "acquire", "release", "__enter__"))
cond = LoudCondition()
with cond:
    cond.notify()
    cond.notify_all()
    cond.wait(0.01)
sem = CountingSemaphore(2)
with sem:  # Semaphore's __enter__ is its own acquire, not the subclass's
    pass
sem.acquire()
sem.release()
print("isinstance:", isinstance(cond, LoudCondition), isinstance(sem, threading.BoundedSemaphore),
      type(cond).__name__, type(sem).__name__)
print("subclass acquires:", CountingSemaphore.taken)
