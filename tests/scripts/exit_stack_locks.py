"""The script's threading.Lock and multiprocessing.Lock entered through contextlib.ExitStack, which calls a context
manager's __enter__ looked up on its class. Prints whether each is held inside and after."""
import contextlib
import multiprocessing
import threading

lock = threading.Lock()
mp_lock = multiprocessing.Lock()
with contextlib.ExitStack() as stack:
    print("enter returns:", stack.enter_context(lock), stack.enter_context(mp_lock))
    print("held inside:", lock.locked(), not mp_lock.acquire(False))
print("held after:", lock.locked(), not mp_lock.acquire(False))
