#!/usr/bin/env python3
"""Measures `quorum serve` edit-to-page latency on a generated site.

Usage: scripts/bench_serve.py [--records 1000] [--mode stress|realistic] [--edits 30] [--atomic]
                              [--binary PATH] [--no-build] [--memory]

Generates a site of about N records with scripts/gen_corpus.py, starts `quorum serve --port 0`
on it (release build unless --binary), then edits one action's title EDITS times. For each
edit it measures from just before the file is written to the moment the server returns the
new title on BOTH the action's page and the action register (actions/index.html): a register
that lags its record would be a stale page. Prints p50/p95 of that latency, and the server's
own rebuild times and stage times (QUORUM_LOG=debug) so slow stages are visible.

The latency includes the watcher's ~50 ms debounce. It is a benchmark, not a test: it prints
figures and exits 0 unless the server fails.
"""
import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def percentile(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[int(k)]


class Server:
    def __init__(self, binary, root):
        env = dict(os.environ, QUORUM_LOG="debug", NO_COLOR="1")
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", root, "--port", "0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.addr = None
        self.ready = threading.Event()
        self.rebuilds = []  # ms, as the server reports them
        self.stages = {}  # stage -> [ms]
        threading.Thread(target=self._stdout, daemon=True).start()
        threading.Thread(target=self._stderr, daemon=True).start()

    def _stdout(self):
        for line in self.proc.stdout:
            m = re.search(r"http://([^/\s]+)/", line)
            if m and not self.addr:
                self.addr = m.group(1)
                self.ready.set()
            m = re.search(r"changed: built .* in (\d+) ms", line)
            if m:
                self.rebuilds.append(int(m.group(1)))
            if "build failed" in line:
                print("server:", line.strip(), file=sys.stderr)
        self.ready.set()

    def _stderr(self):
        for line in self.proc.stderr:
            m = re.match(r"debug: (\w+) took ([\d.]+) ms", line)
            if m:
                self.stages.setdefault(m.group(1), []).append(float(m.group(2)))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def fetch(conn_box, addr, path):
    """GET over a kept-alive connection, reconnecting if the server closed it."""
    for _ in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection(addr, timeout=10)
        try:
            conn_box[0].request("GET", path)
            res = conn_box[0].getresponse()
            return res.status, res.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError):
            conn_box[0].close()
            conn_box[0] = None
    raise RuntimeError(f"GET {path} failed twice")


def edit(path, text, atomic):
    if atomic:
        tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--mode", choices=["stress", "realistic"], default="stress",
                    help="the corpus generator's mode (scripts/gen_corpus.py)")
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--memory", action="store_true", help="also print the server's peak resident memory")
    ap.add_argument("--atomic", action="store_true", help="save by writing a temporary file and renaming it")
    ap.add_argument("--binary", help="quorum binary (default: target/release/quorum, built first)")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--poll-ms", type=float, default=2.0, help="pause between polls")
    args = ap.parse_args()
    if args.edits < 20:
        sys.exit("use at least 20 edits for a meaningful p95")

    binary = args.binary or os.path.join(REPO, "target", "release", "quorum")
    if not args.binary and not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)

    work = tempfile.mkdtemp(prefix="quorum-bench-")
    server = None
    try:
        root = os.path.join(work, "site")
        subprocess.run([sys.executable, os.path.join(REPO, "scripts", "gen_corpus.py"), "--mode", args.mode,
                        str(args.records), root], check=True, stdout=subprocess.DEVNULL)
        record = next(os.path.join(d, f) for d, _, fs in sorted(os.walk(os.path.join(root, "content", "actions")))
                      for f in sorted(fs) if f.endswith(".md"))
        rid = os.path.basename(record)[:-3]
        original = open(record, encoding="utf-8").read()
        if not re.search(r'^title = ".*"$', original, re.M):
            sys.exit(f"{record}: no title line to edit")

        server = Server(binary, root)
        if not server.ready.wait(300) or not server.addr:
            sys.exit(f"quorum serve did not start (exit {server.proc.poll()})")
        page, register = f"/actions/{rid}/index.html", "/actions/index.html"
        box = [None]
        for path in (page, register):
            status, _ = fetch(box, server.addr, path)
            if status != 200:
                sys.exit(f"GET {path}: HTTP {status}")
        time.sleep(0.5)
        server.rebuilds.clear()
        for s in server.stages.values():
            s.clear()

        latencies, page_lat, reg_lat = [], [], []
        rng = random.Random(1)
        for i in range(args.edits):
            title = f"Bench edit {i} {rng.randrange(10**9)}"
            text = re.sub(r'^title = ".*"$', f'title = "{title}"', original, count=1, flags=re.M)
            t0 = time.perf_counter()
            edit(record, text, args.atomic)
            seen = {}
            while len(seen) < 2:
                for path in (page, register):
                    if path not in seen:
                        status, body = fetch(box, server.addr, path)
                        if status == 200 and title in body:
                            seen[path] = time.perf_counter() - t0
                if time.perf_counter() - t0 > 30:
                    sys.exit(f"edit {i}: not served within 30 s (seen: {sorted(seen)})")
                if len(seen) < 2:
                    time.sleep(args.poll_ms / 1000)
            page_lat.append(seen[page] * 1000)
            reg_lat.append(seen[register] * 1000)
            latencies.append(max(seen.values()) * 1000)
            time.sleep(0.3)  # let the watcher go quiet: one edit, one rebuild

        mode = "atomic rename" if args.atomic else "plain write"
        print(f"quorum serve, {args.records} records ({args.mode}), {args.edits} edits of {rid} ({mode}):")
        print(f"  edit -> page AND register updated: p50 {statistics.median(latencies):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms, min {min(latencies):.0f} ms, max {max(latencies):.0f} ms")
        print(f"  record page alone: p50 {statistics.median(page_lat):.0f} ms; "
              f"register alone: p50 {statistics.median(reg_lat):.0f} ms")
        if server.rebuilds:
            print(f"  server rebuild (after the debounce): p50 {statistics.median(server.rebuilds):.0f} ms, "
                  f"p95 {percentile(server.rebuilds, 95):.0f} ms over {len(server.rebuilds)} rebuilds")
        stages = ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in server.stages.items() if v)
        if stages:
            print(f"  stage medians (ms): {stages}")
        if args.memory:
            # VmHWM: the peak resident set of the server process over its whole life so far.
            try:
                with open(f"/proc/{server.proc.pid}/status", encoding="utf-8") as f:
                    hwm = next((int(l.split()[1]) for l in f if l.startswith("VmHWM:")), None)
            except OSError:
                hwm = None
            print(f"  server peak memory: {hwm / 1024:.0f} MiB" if hwm else "  server peak memory: unknown")
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
