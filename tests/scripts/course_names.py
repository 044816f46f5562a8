"""Five processes and five threads, each started in one order, the targets given names as the course gives them
(``args=('egon',)``) and things that are not names (a number, a sentence, a list, a name too long).

Run with the spawn start method, the children's interpreters reach their own start in the reverse of the order they
were started: each child, while its interpreter imports this file and before multiprocessing says it has started,
waits for the flag the child started after it leaves once its own start has been said (from its target). So the
children's own ``proc.start`` events are stamped in the reverse order, whatever the OS does; only the parent's
``start()`` order is the course's. (Forked children import nothing: they start as soon as they are made.)
"""

import multiprocessing as mp
import os
import threading
import time

FLAGS = "COURSE_NAMES_FLAGS"  # the folder of the flags, in the environment the spawned children inherit
INDEX = "COURSE_NAMES_INDEX"  # which child this is (0 first started)
CHILDREN = 5
PROCESS_ARGS = [('egon', 0), ('路人1', 1), (7, 2), ('a sentence, not a name', 3), (['lary'], 4)]
THREAD_ARGS = [('lary',), ('王五',), (3,), ('x' * 17,), ('egon',)]
WAIT = 30.0  # seconds a child waits for its flag at most: the order is then wrong and the test says so


def flag(i):
    return os.path.join(os.environ[FLAGS], 'started-%d' % i)


def wait_for_the_next_one():
    """In a child's interpreter, before its start is said: wait until the child started after it has said its own."""
    i = int(os.environ[INDEX])
    if i + 1 >= CHILDREN:
        return
    deadline = time.monotonic() + WAIT
    while not os.path.exists(flag(i + 1)) and time.monotonic() < deadline:
        time.sleep(0.005)


if __name__ == '__mp_main__':
    wait_for_the_next_one()


def task(what, i):
    with open(flag(i), 'w'):  # this child's start has been said (multiprocessing says it before the target runs)
        pass
    print('process', i, 'got', what)


def work(what):
    print('thread got', what)


if __name__ == '__main__':
    import tempfile

    folder = tempfile.mkdtemp()
    os.environ[FLAGS] = folder
    children = []
    for i, args in enumerate(PROCESS_ARGS):
        os.environ[INDEX] = str(i)  # a spawned child's environment is the parent's at its start()
        p = mp.Process(target=task, args=args)
        p.start()
        children.append(p)
    threads = []
    for i, args in enumerate(THREAD_ARGS):
        t = threading.Thread(target=work, args=args, name='worker' if i == 4 else None)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    for p in children:
        p.join()
    for i in range(CHILDREN):
        if os.path.exists(flag(i)):
            os.remove(flag(i))
    os.rmdir(folder)
    print('done')
