"""Barrier: two processes reach a Barrier of three parties and wait for the third, the main process.

In contui's Sync pane the barrier shows 2 of 3 at the barrier and who waits there. Press Enter (in contui: i, then
Enter): the main process is the third party, and all three pass together.
"""
import multiprocessing as mp


def climber(name, summit):
    print(f"{name} waits at the summit")
    summit.wait()
    print(f"{name} goes down")


if __name__ == "__main__":
    summit = mp.Barrier(3)
    climbers = [mp.Process(target=climber, args=(f"climber-{i}", summit), name=f"climber-{i}") for i in (1, 2)]
    for c in climbers:
        c.start()
    print("press Enter to let the main process reach the summit")
    input()
    summit.wait()
    for c in climbers:
        c.join()
    print("all three passed the barrier")
