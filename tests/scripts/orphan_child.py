"""A's parent code ends while its child B still runs: B is orphaned and adopted."""
import os
import time
from multiprocessing import Pipe, Process


def grandchild(ready):
    ready.send('started')  # A leaves only after this: B's own start still names A as its parent
    time.sleep(1.0)
    print('grandchild done')


def child():
    reader, writer = Pipe(duplex=False)
    Process(target=grandchild, args=(writer,)).start()
    reader.recv()
    print('child leaves')
    os._exit(0)  # a normal exit would join the grandchild first


if __name__ == '__main__':
    a = Process(target=child)
    a.start()
    a.join()
    time.sleep(1.5)
    print('main done')
