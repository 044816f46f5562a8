"""Event: three processes wait() on one multiprocessing.Event until the main process sets it.

Run it with `contui docs/examples/event.py` and watch the Sync pane: the event's flag is clear and three processes
wait for set(). Press Enter (in contui: i, then Enter) and the flag is set: every waiter goes on at once.
"""
import multiprocessing as mp


def runner(name, start_gun):
    print(f"{name} is on the line")
    start_gun.wait()
    print(f"{name} runs")


if __name__ == "__main__":
    start_gun = mp.Event()
    runners = [mp.Process(target=runner, args=(f"runner-{i}", start_gun), name=f"runner-{i}") for i in (1, 2, 3)]
    for r in runners:
        r.start()
    print("press Enter to fire the start gun")
    input()
    start_gun.set()
    for r in runners:
        r.join()
    print("every runner ran")
