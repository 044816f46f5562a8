"""The documentation's Pipe example, with a reply from the parent and a second child on a one-way pipe."""
from multiprocessing import Pipe, Process


def f(conn):
    conn.send([42, None, 'hello'])
    print('child got', conn.recv())
    conn.close()


def g(w):
    for word in ('one', 'way'):
        w.send(word)
    w.close()


if __name__ == '__main__':
    parent_conn, child_conn = Pipe()
    p = Process(target=f, args=(child_conn,))
    p.start()
    print(parent_conn.recv())   # prints "[42, None, 'hello']"
    parent_conn.send('thanks')
    p.join()

    r, w = Pipe(duplex=False)
    q = Process(target=g, args=(w,))
    q.start()
    w.close()
    print(r.recv(), r.recv())
    q.join()
