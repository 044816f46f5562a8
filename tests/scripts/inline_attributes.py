"""Uses every kind of object the tracer marks, hot and cold, the script's own and the standard library's, then says
which of them hold their attributes in a dict of their own: in Python 3.11 an object whose ``__dict__`` was asked
for keeps a dict for good, and every attribute read on it costs about twice as much from then on."""
import gc
import multiprocessing
import queue
import threading


def has_own_dict(obj):
    """Its attributes are in a dict among its referents (not the values themselves, kept inline)."""
    return any(type(ref) is dict for ref in gc.get_referents(obj))


def main():
    mp_queue = multiprocessing.Queue()
    for i in range(500):  # hot: summarised
        mp_queue.put(i)
    for _ in range(500):
        mp_queue.get()
    mp_lock = multiprocessing.Lock()
    for _ in range(500):
        with mp_lock:
            pass
    thread_queue = queue.Queue()
    thread_queue.put(1)
    thread_queue.get()
    event = threading.Event()
    event.set()
    event.wait()
    mp_event = multiprocessing.Event()
    mp_event.set()
    left, right = multiprocessing.Pipe()
    left.send(1)
    right.recv()
    objects = {"mp.Queue": mp_queue, "its semaphore": mp_queue._sem, "its read lock": mp_queue._rlock,
               "mp.Lock": mp_lock, "queue.Queue": thread_queue, "threading.Event": event, "mp.Event": mp_event,
               "Pipe end": left}
    print("own dict:", sorted(name for name, obj in objects.items() if has_own_dict(obj)))
    mp_queue.close()
    mp_queue.join_thread()


if __name__ == "__main__":
    main()
