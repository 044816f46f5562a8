"""concurrent.futures: a ThreadPoolExecutor of two threads checks four numbers for primes; each check waits until
you let it go.

In contui the tree shows the executor's worker threads with the task each runs, and the Queues pane has its card.
Press Enter (in contui: i, then Enter) to let the checks finish.
"""
import concurrent.futures
import math
import threading

go = threading.Event()


def is_prime(n):
    go.wait()
    return n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))


with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
    numbers = [112272535095293, 112582705942171, 115280095190773, 1099726899285419]
    futures = {executor.submit(is_prime, n): n for n in numbers}
    print("press Enter to let the checks run")
    input()
    go.set()
    for future in concurrent.futures.as_completed(futures):
        print(f"{futures[future]} is prime: {future.result()}")
