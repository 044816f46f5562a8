import time

time.sleep(3)
print('slept')
