"""queue.Queue: a producer thread fills a queue of two slots and blocks in put() on the third item, while the
consumer waits for you.

In contui's Queues pane the queue shows its two slots full, the items in the order get() will return them, and the
producer blocked putting. Press Enter (in contui: i, then Enter): the consumer takes all three.
"""
import queue
import threading

tray = queue.Queue(maxsize=2)


def baker():
    for bun in ("bun-1", "bun-2", "bun-3"):
        tray.put(bun)
        print(f"baked {bun}")


oven = threading.Thread(target=baker, name="baker")
oven.start()
print("press Enter to start eating")
input()
for _ in range(3):
    print(f"ate {tray.get()}")
oven.join()
