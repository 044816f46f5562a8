"""Prints before and after its multiprocessing queue's feeder thread starts: the feeder runs none of the script's
code, so under ``contui run > file`` the lines stay in python's block buffer, as under ``python > file``."""
import multiprocessing

queue = multiprocessing.Queue()
print("before the queue")
queue.put(1)  # the queue's feeder thread starts here
print("after its feeder started")
assert queue.get() == 1
print("last line")
