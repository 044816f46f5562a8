"""Long lines written straight to fd 1 and fd 2, below sys.stdout (as C code does): 100,000 characters and a line of
non-ASCII characters that reads cut in the middle of, then a 20 MB last line written just before the script exits,
without a newline."""
import os


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


write_all(1, b"a" * 100_000 + b"\n")
write_all(2, "\u00e9\u4e2d".encode() * 50_000 + b"\n")
write_all(1, b"z" * 20_000_000)
