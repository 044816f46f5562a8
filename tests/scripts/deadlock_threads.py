"""Two threads take two locks in opposite order, each holding its first while the other takes its own: a deadlock,
every time (a barrier makes sure both hold their first lock before either asks for its second)."""
import threading

mutex_a = threading.Lock()
mutex_b = threading.Lock()
both_hold_one = threading.Barrier(2)


def a_then_b():
    with mutex_a:
        both_hold_one.wait()
        with mutex_b:
            print("a_then_b got both")


def b_then_a():
    with mutex_b:
        both_hold_one.wait()
        with mutex_a:
            print("b_then_a got both")


if __name__ == "__main__":
    threads = [threading.Thread(target=a_then_b, name="a_then_b"), threading.Thread(target=b_then_a, name="b_then_a")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
