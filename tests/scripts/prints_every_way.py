"""Lines of every shape, from the main thread and from threads: a burst, a line printed holding a lock, a prompt
flushed without its newline, bytes written below the text stream, a carriage return, and a line left unterminated at
exit."""
import sys
import threading

MAIN_LINES = 5000
THREAD_LINES = 2000


def worker(n):
    print("tid", n, threading.get_native_id())
    for i in range(THREAD_LINES):
        print("thread", n, i)


if __name__ == "__main__":
    print("tid main", threading.get_native_id())
    for i in range(MAIN_LINES):
        print("main", i)
    lock = threading.Lock()
    with lock:
        print("held")
    print("Enter a number: ", end="", flush=True)
    print("42")
    sys.stdout.flush()  # the text stream's own buffer first, as under python into a file (block mode holds it too)
    sys.stdout.buffer.write(b"bytes line\n")
    print("50%\r100%")
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("end", end="")
