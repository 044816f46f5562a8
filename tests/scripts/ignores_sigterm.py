"""Ignores SIGTERM in the main process and in the child it starts, says 'ready' once both do, then sleeps: only
SIGKILL ends it."""
import signal
import time
from multiprocessing import Pipe, Process


def child(ready):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.send('ignoring SIGTERM')
    ready.close()
    time.sleep(600)


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    reader, writer = Pipe(duplex=False)
    Process(target=child, args=(writer,)).start()
    reader.recv()
    print('ready', flush=True)
    time.sleep(600)
