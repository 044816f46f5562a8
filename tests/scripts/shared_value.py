"""The documentation's Value/Array example (f from docs_value.py) with a c_char Array too; after the join it prints
what it reads (CHECK lines), then waits for its stdin to close, so that contui can read the shared memory after that
moment."""
import sys
from multiprocessing import Array, Process, Value

from docs_value import f

if __name__ == "__main__":
    num = Value("d", 0.0)
    arr = Array("i", range(10))
    text = Array("c", b"hello")
    with num.get_lock():
        print("CHECK holding num's lock")
    p = Process(target=f, args=(num, arr))
    p.start()
    p.join()
    text.value = b"bye"
    print("CHECK num", num.value)
    print("CHECK arr", arr[:])
    print("CHECK text", text.value)
    sys.stdin.readline()
