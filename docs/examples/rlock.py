"""RLock: one thread takes a threading.RLock twice (a function that holds it calls another that takes it again)
while a second thread waits for it.

In contui's Sync pane the lock shows its owner, re-entered 2×, and the thread waiting. Press Enter (in contui: i,
then Enter): the owner releases both holds and the waiting thread gets the lock.
"""
import threading

account = threading.RLock()
holding = threading.Event()
go_on = threading.Event()


def audit():
    with account:
        print("the clerk checks the balance, holding the lock twice")
        holding.set()
        go_on.wait()


def transfer():
    with account:
        audit()  # takes the same lock again: an RLock allows it, a Lock would deadlock here


def deposit():
    with account:
        print("the customer deposits")


clerk = threading.Thread(target=transfer, name="clerk")
clerk.start()
holding.wait()
customer = threading.Thread(target=deposit, name="customer")
customer.start()
print("press Enter to let the clerk finish")
input()
go_on.set()
clerk.join()
customer.join()
print("the account was used by one thread at a time")
