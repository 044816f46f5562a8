"""Manager: two processes append to a list and set keys of a dict that live in a Manager's server process.

In contui the manager's server process is named as the server of `manager`, and the Queues pane counts each call
made on the list and the dict. Press Enter (in contui: i, then Enter) to end.
"""
import multiprocessing as mp


def worker(i, shared_list, shared_dict):
    shared_list.append(i)
    shared_dict[f"worker-{i}"] = i * 10


if __name__ == "__main__":
    with mp.Manager() as manager:
        shared_list = manager.list()
        shared_dict = manager.dict()
        workers = [mp.Process(target=worker, args=(i, shared_list, shared_dict), name=f"worker-{i}") for i in (1, 2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        print("list:", sorted(shared_list))
        print("dict:", dict(sorted(shared_dict.items())))
        print("press Enter to shut the manager down")
        input()
