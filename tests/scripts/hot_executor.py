"""A ThreadPoolExecutor of four threads runs 20,000 tiny tasks, one of them failing; then, after a rest, one more.
Says whether most of its futures are of Future itself, with its own methods."""
import time
from concurrent.futures import Future, ThreadPoolExecutor

N = 20_000


def double(x):
    if x == 7:
        raise ValueError("seven")
    return x * 2


if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(double, i) for i in range(N)]
        failed = sum(1 for f in futures if f.exception() is not None)
        total = sum(f.result() for f in futures if f.exception() is None)
        own = all(getattr(Future, name).__module__ == "concurrent.futures._base"
                  for name in ("set_running_or_notify_cancel", "set_result", "set_exception", "cancel"))
        print("most futures are Future's own:", own and sum(type(f) is Future for f in futures) > N // 2)
        time.sleep(0.5)  # the rate drops to nothing: the executor is no longer hot
        last = pool.submit(double, 1).result()
    print("failed", failed, "total", total, "last", last)
