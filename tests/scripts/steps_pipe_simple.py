"""One of each: a Pipe's send and recv, a multiprocessing SimpleQueue's put and get, a queue.SimpleQueue's put and
get, all in the main thread; prints what came back."""
import multiprocessing
import queue

if __name__ == "__main__":
    left, right = multiprocessing.Pipe()
    left.send("ping")
    print(right.recv())
    jobs = multiprocessing.SimpleQueue()
    jobs.put("job")
    print(jobs.get())
    notes = queue.SimpleQueue()
    notes.put("note")
    print(notes.get())
