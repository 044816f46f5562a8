import time

for i in range(30):
    time.sleep(0.1)
    print('tick', i)
