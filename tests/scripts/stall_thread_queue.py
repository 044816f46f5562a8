"""The main thread waits, with no timeout, for an item of a queue nobody will ever fill: a stall, not a deadlock
(there is no cycle: nobody holds anything the main thread needs)."""
import queue

jobs = queue.Queue()
print("waiting for a job")
jobs.get()
print("never printed")
