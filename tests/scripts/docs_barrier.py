"""The threading documentation's Barrier example (a server and a client start together), with processes and a
multiprocessing.Barrier; a barrier with an action; and a barrier that breaks because nobody else comes in time."""
import multiprocessing
import sys
import threading


def server(b):
    print("server started")  # start_server()
    b.wait()
    print("server accepts connections")


def client(b):
    b.wait()
    print("client connects")


def announce():
    print("all three are ready")


def runner(b, i):
    b.wait()
    print(f"runner {i} off")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        multiprocessing.set_start_method(sys.argv[1])
    b = multiprocessing.Barrier(2, timeout=5)
    processes = [multiprocessing.Process(target=server, args=(b,)), multiprocessing.Process(target=client, args=(b,))]
    for p in processes:
        p.start()
    for p in processes:
        p.join()

    start = multiprocessing.Barrier(3, action=announce)
    processes = [multiprocessing.Process(target=runner, args=(start, i)) for i in range(2)]
    for p in processes:
        p.start()
    runner(start, 2)
    for p in processes:
        p.join()

    lonely = threading.Barrier(2, timeout=0.05)
    try:
        lonely.wait()
    except threading.BrokenBarrierError:
        print("broken: nobody else came, broken =", lonely.broken)
    lonely.reset()
    print("after reset(), broken =", lonely.broken)
