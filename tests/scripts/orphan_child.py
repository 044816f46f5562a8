"""A's parent code ends while its child B still runs: B is orphaned and adopted."""
import os
import time
from multiprocessing import Process


def grandchild():
    time.sleep(1.0)
    print('grandchild done')


def child():
    Process(target=grandchild).start()
    print('child leaves')
    os._exit(0)  # a normal exit would join the grandchild first


if __name__ == '__main__':
    a = Process(target=child)
    a.start()
    a.join()
    time.sleep(1.5)
    print('main done')
