"""terminate() right after start(), many times: under plain Python every child dies of SIGTERM."""
import multiprocessing
import sys
import time


def child():
    time.sleep(0.5)  # a terminate() that is lost shows as exit code 0


if __name__ == "__main__":
    codes = []
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 100):
        p = multiprocessing.Process(target=child)
        p.start()
        p.terminate()
        p.join()
        codes.append(p.exitcode)
    print("exit codes:", sorted(set(codes)))
    print("not terminated:", sum(code != -15 for code in codes))
