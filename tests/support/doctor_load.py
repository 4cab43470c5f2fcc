#!/usr/bin/env python3
"""Bounded load on loopback for the doctor tests (tests/netns/doctor_*.sh).

Run inside the test's own network namespace only. Every mode does a first
burst, prints "ready ..." on stdout, then repeats a burst every 0.2 s for
--seconds seconds and exits by itself. Nothing here changes a sysctl.

  listen  a listener with a tiny backlog that never accepts; connects flood it
  tw      short connections closed by the client (TIME_WAIT on each close)
  udp     a UDP socket with a tiny SO_RCVBUF that is never read; datagrams blast it
  ports   connects to one listener until connect() fails with EADDRNOTAVAIL,
          then holds every connection
"""
import argparse
import errno
import socket
import sys
import threading
import time

MAX_SOCKETS = 2000


def listen_mode(a):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(a.backlog)  # never accepted
    held = []

    def burst():
        for _ in range(20):
            if len(held) >= MAX_SOCKETS:
                return
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", a.port))
            except BlockingIOError:
                pass
            held.append(c)
    burst.keep = srv  # a collected socket would be closed
    return burst, "listener 127.0.0.1:%d backlog %d" % (a.port, a.backlog)


def tw_mode(a):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(128)
    srv.settimeout(0.5)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                while conn.recv(64):
                    pass
            except OSError:
                pass
            conn.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()

    def burst():
        for _ in range(50):
            c = socket.socket()
            c.settimeout(1)
            try:
                c.connect(("127.0.0.1", a.port))
            except OSError:
                c.close()
                continue
            c.close()  # the client closes first: its side goes to TIME_WAIT
        time.sleep(0.05)
    burst.keep = (srv, t, stop)
    return burst, "short connections to 127.0.0.1:%d" % a.port


def udp_mode(a):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # never read
    rx.bind(("127.0.0.1", a.port))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = b"x" * 1000

    def burst():
        for _ in range(200):
            tx.sendto(payload, ("127.0.0.1", a.port))
    burst.keep = rx
    return burst, "udp 127.0.0.1:%d rcvbuf %d" % (a.port, rx.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))


def ports_mode(a):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(4096)
    held, accepted = [], []
    err = None
    for _ in range(MAX_SOCKETS):
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", a.port))
        except OSError as e:
            err = e.errno
            c.close()
            break
        held.append(c)
        conn, _ = srv.accept()
        accepted.append(conn)
    if err != errno.EADDRNOTAVAIL:
        print("error: connect did not fail with EADDRNOTAVAIL after %d connections (errno %s)" % (len(held), err))
        sys.exit(1)

    def burst():
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", a.port))
            held.append(c)
        except OSError:
            c.close()
    burst.keep = (srv, held, accepted)
    return burst, "EADDRNOTAVAIL after %d connections to 127.0.0.1:%d" % (len(held), a.port)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["listen", "tw", "udp", "ports"])
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--backlog", type=int, default=1)
    p.add_argument("--seconds", type=float, default=4.0)
    a = p.parse_args()
    burst, what = {"listen": listen_mode, "tw": tw_mode, "udp": udp_mode, "ports": ports_mode}[a.mode](a)
    burst()
    print("ready", what, flush=True)
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        time.sleep(0.2)
        burst()
    print("done", flush=True)


if __name__ == "__main__":
    main()
