"""A standard library callable as a task: time.sleep pickles by reference to the worker and runs there."""
import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    with mp.Pool(1) as pool:
        print(pool.apply_async(time.sleep, [0.1]).get())
    with ProcessPoolExecutor(1) as executor:
        print(executor.submit(time.sleep, 0.1).result())
