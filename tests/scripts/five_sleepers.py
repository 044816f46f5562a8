import time
from multiprocessing import Process


def sleeper(n):
    print('sleeper', n, 'sleeps')
    time.sleep(60)


if __name__ == '__main__':
    for n in range(5):
        Process(target=sleeper, args=(n,)).start()
    time.sleep(60)
