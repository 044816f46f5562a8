"""Every synchronisation primitive held in one state until the user types a line: two threads hold two of a
semaphore's three seats and wait for an event, two wait at a barrier of three, two wait on a condition. Enter lets
each go on: the event is set, the main thread is the barrier's third party, the condition is notified."""
import threading

seats = threading.Semaphore(3)
go = threading.Event()
gate = threading.Barrier(3)
room = threading.Condition()
opened = False


def seated():
    with seats:
        go.wait()


def at_gate():
    gate.wait()


def in_room():
    with room:
        room.wait_for(lambda: opened)


threads = ([threading.Thread(target=seated, name=f"seated-{i}") for i in (1, 2)]
           + [threading.Thread(target=at_gate, name=f"gate-{i}") for i in (1, 2)]
           + [threading.Thread(target=in_room, name=f"room-{i}") for i in (1, 2)])
for t in threads:
    t.start()
input("press Enter to let them go: ")
go.set()
gate.wait()
with room:
    opened = True
    room.notify_all()
for t in threads:
    t.join()
print("all went on")
