"""Two threads take turns 20,000 times through one Condition, each counting the waits and notifies it makes; then,
after a rest, the main thread notifies once more (nobody is waiting)."""
import threading
import time

TURNS = 20_000
cond = threading.Condition()
turn = 0
counted = {"wait": 0, "notify": 0, "with": 0}


def player(k):
    global turn
    with cond:
        counted["with"] += 1
        while True:
            while turn < TURNS and turn % 2 != k:
                counted["wait"] += 1
                cond.wait()
            if turn >= TURNS:
                counted["notify"] += 1
                cond.notify()
                return
            turn += 1
            counted["notify"] += 1
            cond.notify()


if __name__ == "__main__":
    players = [threading.Thread(target=player, args=(k,)) for k in (0, 1)]
    for p in players:
        p.start()
    for p in players:
        p.join()
    time.sleep(0.5)  # the rate drops to nothing: the condition is no longer hot
    with cond:
        counted["with"] += 1
        counted["notify"] += 1
        cond.notify_all()
    print("turns", turn, "waits", counted["wait"], "notifies", counted["notify"], "withs", counted["with"])
