"""Condition: two consumer threads wait() on a threading.Condition until the producer adds an item and notifies.

In contui's Sync pane the condition shows its waiting room (the threads in wait()) and who owns its lock. Press Enter
(in contui: i, then Enter): the producer adds two items and calls notify_all(); each consumer takes one.
"""
import threading

items = []
cv = threading.Condition()


def consumer():
    with cv:
        cv.wait_for(lambda: items)
        item = items.pop(0)
    print(f"a consumer got {item}")  # which one gets which item is up to the scheduler


consumers = [threading.Thread(target=consumer, name=f"consumer-{i}") for i in (1, 2)]
for c in consumers:
    c.start()
print("press Enter to produce two items")
input()
with cv:
    items.extend(["apple", "pear"])
    cv.notify_all()
for c in consumers:
    c.join()
print("both consumers got an item")
