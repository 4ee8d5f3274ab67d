#!/usr/bin/env python3
"""Queues staff notifications (SMS SEND … urgent=yes) at a steady rate for the chaos runs, reconnecting when
the daemon is killed. Prints nothing; the outbox itself is the record.

    notifier.py PORT PASSWORD FIRST_MEMBER LAST_MEMBER RATE SECONDS
"""
import socket
import sys
import time

port, password = int(sys.argv[1]), sys.argv[2]
first, last, rate, seconds = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
deadline = time.monotonic() + seconds
sequence = 0


def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rwb")
    f.write(f"AUTH admin {password}\n".encode()); f.flush()
    if not f.readline().startswith(b"+OK"):
        raise ConnectionError("login refused")
    return s, f


conn = None
while time.monotonic() < deadline:
    try:
        if conn is None:
            conn = connect()
        sequence += 1
        member = first + sequence % (last - first + 1)
        conn[1].write(f'SMS SEND {member} "通知{sequence}：明天8点到村委会领种子" urgent=yes\n'.encode())
        conn[1].flush()
        if not conn[1].readline():
            raise ConnectionError("closed")
        time.sleep(1 / rate)  # pacing
    except (OSError, ConnectionError):
        conn = None
        time.sleep(0.1)  # the daemon is restarting
