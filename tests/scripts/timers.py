"""Three threading.Timers for tests/test_timers.py: one that fires after FIRST seconds (sys.argv[1], 1 by default), a
daemon one that fires after half of that, and one of 600 s that the main thread cancels once both have fired. Each
function that runs says in which thread, and what the script's clock read between start() and its call."""

import sys
import threading
import time

FIRST = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


def fired(what, started):
    me = threading.current_thread()
    print(f"{what} fired in {me.name} daemon={me.daemon} after {time.monotonic() - started:.3f}")


if __name__ == "__main__":
    started = time.monotonic()
    first = threading.Timer(FIRST, fired, args=("first", started))
    second = threading.Timer(FIRST / 2, fired, args=("daemon", started))
    second.daemon = True
    never = threading.Timer(600, fired, args=("cancelled", started))
    for timer in (first, second, never):
        timer.start()
    print("armed")
    first.join()
    second.join()
    never.cancel()
    never.join()
    print(f"cancelled after {time.monotonic() - started:.3f}")
