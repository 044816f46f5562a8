"""One thread takes a lock 5,000 times in a tight loop."""
import threading

lock = threading.Lock()
for _ in range(5_000):
    with lock:
        pass
print("done")
