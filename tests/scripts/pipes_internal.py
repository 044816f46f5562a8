"""One Pipe of the script's own beside a Queue, a SimpleQueue, a Pool and a Manager, each of which makes Pipes or
connections inside multiprocessing: only the script's Pipe may be reported."""
from multiprocessing import Manager, Pipe, Pool, Queue, SimpleQueue


def square(x):
    return x * x


if __name__ == "__main__":
    a, b = Pipe()
    q = Queue()
    sq = SimpleQueue()
    q.put(1)
    sq.put(2)
    print(q.get(), sq.get())
    with Pool(2) as pool:
        print(pool.map(square, range(4)))
    with Manager() as manager:
        d = manager.dict()
        d["k"] = "v"
        print(d.copy())
    a.send("only me")
    print(b.recv())
