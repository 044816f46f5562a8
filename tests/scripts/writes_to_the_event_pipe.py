"""Writes to contui's event pipe (its fd is in the environment): a line of text, 4 garbage bytes, a header that
promises more than follows, and a forged frame whose pickle would start `sleep 300` if it were unpickled as is.
Around them it prints lines and ends with exit code 7: all of them must come through as under plain python."""
import os
import pickle
import struct
import subprocess
import sys


class Forged:
    def __reduce__(self):
        return subprocess.Popen, (["sleep", "300"],)


forged = pickle.dumps([(1, "stdout", 1, 1, {"text": Forged()})], protocol=5)
pieces = (b"hello\n", b"\xde\xad\xbe\xef", b"\x00\x00\x0f\xff", struct.pack("!i", len(forged)) + forged)
fd = os.environ.get("CONTUI_EVENT_FD")
print("before", flush=True)
for piece in pieces:
    if fd is not None:
        os.write(int(fd), piece)
    print("wrote", len(piece), "bytes", flush=True)
print("after", flush=True)
sys.exit(7)
