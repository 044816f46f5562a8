"""Closes every fd above 2, as daemonising code does, then opens a file (it gets a low fd) and writes to it while it
prints, and starts a fork child and a spawn child that print: a script that would take the tracer's fd from it.
The file is argv[1]; it must hold exactly what the script wrote."""
import multiprocessing as mp
import os
import sys


def child(name):
    print(f"{name} child prints", flush=True)


if __name__ == "__main__":
    print("before closerange", flush=True)
    os.closerange(3, 1024)
    with open(sys.argv[1], "w") as fh:
        for i in range(3):
            print(f"line {i} while the file is open", flush=True)
            fh.write(f"file line {i}\n")
            fh.flush()
    for method in ("fork", "spawn"):
        p = mp.get_context(method).Process(target=child, args=(method,))
        p.start()
        p.join()
    print("done")
