"""Puts /dev/null over fds 3-20, and a file of its own (argv[1]) over the fd the run's events go through if it knows
it (from contui's environment variable), then prints and writes to that file: a script that replaces the tracer's
fd. Every printed line must still show, and the file must hold exactly what the script wrote."""
import os
import sys
import threading

null = os.open(os.devnull, os.O_WRONLY)
for fd in range(3, 21):
    if fd != null:
        os.dup2(null, fd)
own = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
events_fd = int(os.environ.get("CONTUI_EVENT_FD", own))
if events_fd != own:
    os.dup2(own, events_fd)
for i in range(3):
    print(f"line {i}", flush=True)
    os.write(events_fd, f"file line {i}\n".encode())
t = threading.Thread(target=print, args=("from a thread",))
t.start()
t.join()
print("done")
