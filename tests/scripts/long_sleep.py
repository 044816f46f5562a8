"""Says it is about to sleep, sleeps 20 s, and says how long the sleep read on time.monotonic()."""
import time

print("sleeping", flush=True)
began = time.monotonic()
time.sleep(20)
print(f"slept {time.monotonic() - began:.1f}")
