#!/usr/bin/env python3
"""A stand-in for Kannel's sendsms: answers 202 and appends "<outbox id>\t<to>\t<text>" to a file for every
message, taking the outbox id from the dlr-url the relay passes. For the chaos runs, where only what
reached the gateway matters.

    sendsms-standin.py PORT FILE
"""
import http.server
import sys
import threading
import urllib.parse

PORT, FILE = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        dlr = urllib.parse.parse_qs(urllib.parse.urlsplit(query.get("dlr-url", [""])[0]).query)
        line = "\t".join([dlr.get("id", ["?"])[0], query.get("to", ["?"])[0], query.get("text", [""])[0].replace("\n", " ")])
        with lock, open(FILE, "a", encoding="utf-8") as out:
            out.write(line + "\n")
        self.send_response(202)
        self.end_headers()
        self.wfile.write(b"0: Accepted for delivery")

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
