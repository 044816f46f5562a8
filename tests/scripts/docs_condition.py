"""The threading documentation's Condition example, as a whole script: consumers wait until an item is available
(with wait() in a loop, and with wait_for()), a producer makes items available and notifies."""
import threading

items = []
cv = threading.Condition()


def an_item_is_available():
    return bool(items)


def get_an_available_item():
    return items.pop(0)


def make_an_item_available(item):
    items.append(item)


def consumer(n):
    for _ in range(n):
        # Consume one item
        with cv:
            while not an_item_is_available():
                cv.wait()
            item = get_an_available_item()
        print("consumed", item)


def consumer_with_wait_for(n):
    for _ in range(n):
        with cv:
            cv.wait_for(an_item_is_available)
            item = get_an_available_item()
        print("consumed", item)


def producer(n):
    for i in range(n):
        # Produce one item
        with cv:
            make_an_item_available(f"item-{i}")
            cv.notify()


if __name__ == "__main__":
    threads = [threading.Thread(target=consumer, args=(5,)), threading.Thread(target=consumer_with_wait_for, args=(5,)),
               threading.Thread(target=producer, args=(10,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("left over:", items)
