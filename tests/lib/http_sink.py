#!/usr/bin/python3
"""A real HTTP webhook receiver on loopback for tests: records every POST.

    http_sink.py --out REQUESTS.jsonl [--port 0] [--ready READY_FILE]
                 [--secret KEY] [--fail-first N] [--status CODE]

Each request becomes one JSON line in --out:
    {"path": ..., "headers": {...}, "body": "<raw body>",
     "signature_ok": true|false|null, "status": <answer>}
signature_ok is the check of X-Pathways-Signature ("v1=<hex>") against
HMAC-SHA256(KEY, "<X-Pathways-Timestamp>.<raw body>") in constant time
(null without --secret). --fail-first N answers the first N requests 503
(temporary); --status CODE answers every other request with CODE (default
200). --port 0 picks a free port, written to --ready once listening.
Runs until SIGTERM/SIGINT. Loopback only.
"""
import argparse
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(args, state):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):  # quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            ok = None
            if args.secret:
                ts = self.headers.get("X-Pathways-Timestamp", "")
                sig = self.headers.get("X-Pathways-Signature", "")
                want = hmac.new(args.secret.encode(), ts.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
                ok = sig.startswith("v1=") and hmac.compare_digest(sig[3:], want)
            with state["lock"]:
                if state["fail"] > 0:
                    state["fail"] -= 1
                    status = 503
                else:
                    status = args.status
                line = json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                                   "body": body.decode("utf-8", "replace"),
                                   "signature_ok": ok, "status": status})
                with open(args.out, "a", encoding="utf-8") as f:
                    f.write(line + "\n")
                    f.flush()
                    os.fsync(f.fileno())
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--secret")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--status", type=int, default=200)
    args = ap.parse_args()
    open(args.out, "a").close()
    state = {"lock": threading.Lock(), "fail": args.fail_first}
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args, state))
    port = server.server_address[1]
    if args.ready:
        tmp = args.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.rename(tmp, args.ready)
    print(port, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    signal.signal(signal.SIGINT, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
