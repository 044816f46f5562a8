"""Sleeps for BENCH_SECONDS (10 by default): nothing happens, so contui should do nothing either."""
import os
import time

print("sleeping")
time.sleep(float(os.environ.get("BENCH_SECONDS", "10")))
print("awake")
