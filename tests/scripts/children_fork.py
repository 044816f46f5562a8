"""A bare os.fork(): the child prints and leaves with a code of its own; its parent waits for it. (Each print flushes:
os._exit() skips the flush, so a block-buffered line would vanish, or print twice, as python's buffers do.)"""
import os

print("parent before fork", flush=True)
pid = os.fork()
if pid == 0:
    print("child", os.getpid() != os.getppid(), flush=True)
    os._exit(3)
_, status = os.waitpid(pid, 0)
print("parent: child ended with", os.waitstatus_to_exitcode(status))
