"""Long lines without a newline, as a stress of output capture: 2 MB in one write, then 1 MB in 500,000 writes of
two characters, a newline, and a last 1 MB line that the script leaves unterminated as it exits."""
import sys

sys.stdout.write("a" * 2_000_000)
for _ in range(500_000):
    sys.stdout.write("bc")
sys.stdout.write("\n")
sys.stdout.write("d" * 1_000_000)
