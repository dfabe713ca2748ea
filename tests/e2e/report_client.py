"""What the e2e attackers (disclosure_attack.py, equity_check.py) read
reports through: pathwaysctl with a role's key, and the dashboard's HTTP
API. Environment: PATHWAYS_BIN, E2E_KEYS (the key files of e2e.sh)."""
import os
import subprocess
import sys
import urllib.parse
import urllib.request

CTL = os.path.join(os.environ["PATHWAYS_BIN"], "pathwaysctl")
KEYS = os.environ["E2E_KEYS"]


def ctl(role, *args):
    """pathwaysctl ARGS with ROLE's key (admin, read_only, ...); its stdout.
    Exits the caller on failure."""
    env = dict(os.environ, PATHWAYS_CURVE_CLIENT_SECRET_FILE=f"{KEYS}/{role}_secret")
    run = subprocess.run([CTL, *args], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"pathwaysctl {' '.join(args)} as {role} failed: {run.stderr.strip()}")
    return run.stdout


def http_get(base, path, **args):
    """The body of GET base+path?args, as text."""
    url = f"{base}{path}?{urllib.parse.urlencode(args)}"
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()
