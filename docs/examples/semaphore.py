"""Semaphore: four processes share a BoundedSemaphore of two seats; two sit, two wait for a seat.

In contui's Sync pane the semaphore shows its seats (■■ 2 of 2 taken), who holds them and who waits. Press Enter
(in contui: i, then Enter): the seated ones stand up, and the waiting ones take their seats.
"""
import multiprocessing as mp


def visitor(name, seats, stand_up):
    with seats:
        print(f"{name} sits down")
        stand_up.wait()
    print(f"{name} leaves")


if __name__ == "__main__":
    seats = mp.BoundedSemaphore(2)
    stand_up = mp.Event()
    visitors = [mp.Process(target=visitor, args=(f"visitor-{i}", seats, stand_up), name=f"visitor-{i}")
                for i in (1, 2, 3, 4)]
    for v in visitors:
        v.start()
    print("press Enter to let the seated visitors go")
    input()
    stand_up.set()
    for v in visitors:
        v.join()
    print("everyone sat once")
