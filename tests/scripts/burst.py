"""A burst: 20,000 lines printed within about a second (20 chunks of 1,000, 50 ms apart), then one last line."""

import time

for chunk in range(20):
    for i in range(chunk * 1000, (chunk + 1) * 1000):
        print(f"burst line {i}")
    time.sleep(0.05)
print("burst done")
