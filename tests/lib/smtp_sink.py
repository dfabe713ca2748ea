#!/usr/bin/python3
"""A real SMTP server on loopback for tests: stores every message it accepts.

    smtp_sink.py --out MESSAGES.jsonl [--host 127.0.0.1] [--port 0]
                 [--ready READY_FILE] [--tempfail N] [--reject ADDRESS]...

Each accepted message becomes one JSON line in --out:
    {"mail_from": ..., "rcpt_tos": [...], "data": "<the full message>"}
so a test counts what actually arrived (wc -l) and checks recipients,
subjects and headers. --port 0 picks a free port; the port is written to
--ready (and printed) once the server answers. --tempfail N answers the
first N DATA commands with "451" (a temporary failure) to exercise retries;
--reject ADDRESS answers RCPT TO that address with "550" (a permanent
failure: no such mailbox). Rejected recipients are logged to --out.rejected.
Runs until SIGTERM/SIGINT. Needs Debian's python3-aiosmtpd.
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, tempfail, reject):
        self.out = out
        self.tempfail = tempfail
        self.reject = set(a.lower() for a in reject)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            with self.lock, open(self.out + ".rejected", "a", encoding="utf-8") as f:
                f.write(address + "\n")
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.tempfail > 0:
                self.tempfail -= 1
                return "451 4.3.0 try again later"
            data = envelope.content
            if isinstance(data, bytes):
                data = data.decode("utf-8", "replace")
            line = json.dumps({"mail_from": envelope.mail_from,
                               "rcpt_tos": list(envelope.rcpt_tos),
                               "data": data})
            with open(self.out, "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()
                os.fsync(f.fileno())
        return "250 2.0.0 OK"


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--tempfail", type=int, default=0)
    ap.add_argument("--reject", action="append", default=[])
    args = ap.parse_args()
    if args.host != "127.0.0.1":
        sys.exit("smtp_sink.py: loopback only")
    port = args.port or free_port(args.host)
    open(args.out, "a").close()
    ctl = Controller(Sink(args.out, args.tempfail, args.reject), hostname=args.host, port=port,
                     enable_SMTPUTF8=True)
    ctl.start()
    if args.ready:
        tmp = args.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.rename(tmp, args.ready)
    print(port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
