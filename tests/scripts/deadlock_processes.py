"""Two processes take two multiprocessing locks in opposite order, each holding its first while the other takes its
own: a deadlock across processes, every time (a barrier makes sure both hold their first lock first)."""
import multiprocessing


def a_then_b(mutex_a, mutex_b, both_hold_one):
    with mutex_a:
        both_hold_one.wait()
        with mutex_b:
            print("a_then_b got both")


def b_then_a(mutex_a, mutex_b, both_hold_one):
    with mutex_b:
        both_hold_one.wait()
        with mutex_a:
            print("b_then_a got both")


if __name__ == "__main__":
    mutex_a = multiprocessing.Lock()
    mutex_b = multiprocessing.Lock()
    both_hold_one = multiprocessing.Barrier(2)
    workers = [multiprocessing.Process(target=f, args=(mutex_a, mutex_b, both_hold_one), name=f.__name__)
               for f in (a_then_b, b_then_a)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
