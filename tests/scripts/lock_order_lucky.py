"""Two threads take the same two locks in opposite orders, one after the other (the second starts once the first has
ended): no deadlock this time, but both orders were taken, so threads doing so at the same moment would deadlock."""
import threading

mutex_a = threading.Lock()
mutex_b = threading.Lock()


def a_then_b():
    with mutex_a:
        with mutex_b:
            print("a_then_b got both")


def b_then_a():
    with mutex_b:
        with mutex_a:
            print("b_then_a got both")


if __name__ == "__main__":
    for target in (a_then_b, b_then_a):
        t = threading.Thread(target=target, name=target.__name__)
        t.start()
        t.join()
