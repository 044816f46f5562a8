"""A burst: BENCH_LINES lines (20,000) printed within about a second (20 chunks, 50 ms apart), then one last line."""
import os
import time

LINES = int(os.environ.get("BENCH_LINES", "20000"))
CHUNK = max(1, LINES // 20)

for start in range(0, LINES, CHUNK):
    for i in range(start, min(LINES, start + CHUNK)):
        print(f"burst line {i}")
    time.sleep(0.05)
print("burst done")
