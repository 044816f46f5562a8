"""The classic mistake: no ``if __name__ == '__main__':`` guard. The spawned child runs this file again as it starts,
tries to start a process of its own, and dies of the RuntimeError that explains the guard; the parent goes on."""
import multiprocessing as mp


def hello():
    print("hello from the child")


print("top of the script")
child = mp.get_context("spawn").Process(target=hello)
child.start()
child.join()
print("the child ended with", child.exitcode)
