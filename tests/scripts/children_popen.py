"""Children made by subprocess, not multiprocessing: a python child and an echo that print to the stdout and stderr
they inherit, one whose output the script captures, and one made with os.posix_spawnp."""
import os
import subprocess
import sys

print("parent starts")
subprocess.run([sys.executable, "-c", "import sys; print('python child says hi'); "
                "print('python child complains', file=sys.stderr); print('python child again')"], check=True)
subprocess.run(["echo", "echo says hi"], check=True)
captured = subprocess.run(["echo", "captured line"], capture_output=True, text=True).stdout
print("parent captured:", captured.strip())
pid = os.posix_spawnp("echo", ["echo", "spawned says hi"], os.environ)
_, status = os.waitpid(pid, 0)
print("parent done", os.waitstatus_to_exitcode(status))
