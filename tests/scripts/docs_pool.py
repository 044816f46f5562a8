"""Our version of the multiprocessing documentation's Pool example (f(x) = x*x: map, imap_unordered, apply_async,
and a result that is not ready within its timeout). Where the docs print a worker's pid, this prints whether the task
ran in a worker, so its output is the same at every run; the task it gives up on sleeps 2 s instead of 10."""
import os
import time
from multiprocessing import Pool, TimeoutError


def f(x):
    return x * x


def in_a_worker(parent):
    return os.getpid() != parent


if __name__ == '__main__':
    me = os.getpid()
    # start 4 worker processes
    with Pool(processes=4) as pool:

        # print "[0, 1, 4,..., 81]"
        print(pool.map(f, range(10)))

        # print same numbers in arbitrary order
        for i in pool.imap_unordered(f, range(10)):
            print(i)

        # evaluate "f(20)" asynchronously
        res = pool.apply_async(f, (20,))      # runs in *only* one process
        print(res.get(timeout=1))             # prints "400"

        # evaluate "in_a_worker(me)" asynchronously
        res = pool.apply_async(in_a_worker, (me,))  # runs in *only* one process
        print(res.get(timeout=1))                   # prints "True"

        # launching multiple evaluations asynchronously *may* use more processes
        multiple_results = [pool.apply_async(in_a_worker, (me,)) for i in range(4)]
        print([res.get(timeout=1) for res in multiple_results])

        # make a single worker sleep for 2 seconds
        res = pool.apply_async(time.sleep, (2,))
        try:
            print(res.get(timeout=0.5))
        except TimeoutError:
            print("We lacked patience and got a multiprocessing.TimeoutError")

        print("For the moment, the pool remains available for more work")

    # exiting the 'with'-block has stopped the pool
    print("Now the pool is closed and no longer available")
