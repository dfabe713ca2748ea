"""A minimal W3C WebDriver client (standard library only) for the headless
browser tests: starts Debian's chromedriver (package chromium-driver) on a
loopback port, opens Chromium sessions, loads pages, runs scripts and reads
the browser console. Every wait polls to a deadline."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


class WebDriverError(Exception):
    pass


def _call(url, method="GET", body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode() or "{}").get("value")
    except urllib.error.HTTPError as e:
        raise WebDriverError("%s %s: %s" % (method, url, e.read().decode()[:500])) from None


def poll(what, probe, deadline_s):
    """Calls probe() until it returns a true value; raises after deadline_s."""
    end = time.monotonic() + deadline_s
    while True:
        v = probe()
        if v:
            return v
        if time.monotonic() > end:
            raise WebDriverError("timed out waiting for " + what)
        time.sleep(0.05)


class Driver:
    """chromedriver on 127.0.0.1:port; stop() ends it."""

    def __init__(self, port, log_path):
        for path in (CHROMIUM, CHROMEDRIVER):
            if not os.access(path, os.X_OK):
                raise WebDriverError(path + " not found (deploy/local/install-deps installs it)")
        self.base = "http://127.0.0.1:%d" % port
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port, "--allowed-ips=127.0.0.1"],
                                     stdout=self.log, stderr=subprocess.STDOUT)

        def ready():
            if self.proc.poll() is not None:
                raise WebDriverError("chromedriver exited with %d" % self.proc.returncode)
            try:
                return _call(self.base + "/status", timeout=2).get("ready")
            except (OSError, WebDriverError):
                return False
        poll("chromedriver", ready, 30)

    def session(self, profile_dir, width, height, mobile=False):
        opts = {"binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--user-data-dir=" + profile_dir, "--window-size=%d,%d" % (width, height)]}
        if mobile:
            opts["mobileEmulation"] = {"deviceMetrics": {"width": width, "height": height,
                                                         "pixelRatio": 3.0, "touch": True,
                                                         "mobile": True}}
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": opts,
                                                 "goog:loggingPrefs": {"browser": "ALL"}}}}
        v = _call(self.base + "/session", "POST", caps)
        return Session(self.base + "/session/" + v["sessionId"])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Session:
    def __init__(self, url):
        self.url = url

    def get(self, page):
        _call(self.url + "/url", "POST", {"url": page})

    def script(self, source, *args):
        return _call(self.url + "/execute/sync", "POST", {"script": source, "args": list(args)})

    def console(self):
        """The browser's console entries since the last call."""
        return _call(self.url + "/se/log", "POST", {"type": "browser"}) or []

    def quit(self):
        _call(self.url, "DELETE")
