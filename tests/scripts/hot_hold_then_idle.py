"""A threading.Lock taken by ``with`` in a hot loop whose last hold lasts 0.2 s; then the script rests for a second
without touching the lock."""
import threading
import time

N = 20_000
lock = threading.Lock()
for i in range(N):
    with lock:
        if i == N - 1:
            time.sleep(0.2)
print("let go")
time.sleep(1.0)
