#!/usr/bin/env python3
"""Benchmarks `quorum build` on generated sites: median wall time and per-stage medians.

Usage: scripts/bench_build.py [--runs N] [SIZE ...]   (default: 5 runs of 1000 and 10000 records)

Builds the release binary, generates each corpus once with scripts/gen_corpus.py into a
temporary folder, then times N full builds (each replacing the previous output). Reports
medians, since these machines are noisy; run it on an otherwise idle machine.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = sys.argv[1:]
    runs = 5
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    sizes = [int(a) for a in args] or [1000, 10000]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "quorum")
    with tempfile.TemporaryDirectory(prefix="quorum-bench-") as tmp:
        for size in sizes:
            site = os.path.join(tmp, f"site-{size}")
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_corpus.py"), str(size), site],
                           check=True, stdout=subprocess.DEVNULL)
            walls, stages = [], {}
            for _ in range(runs):
                start = time.perf_counter()
                out = subprocess.run([binary, "build", "--root", site], capture_output=True, text=True,
                                     env={**os.environ, "QUORUM_LOG": "debug"})
                walls.append(time.perf_counter() - start)
                if out.returncode != 0:
                    sys.exit(f"build failed:\n{out.stderr[-2000:]}")
                for stage, ms in re.findall(r"debug: (\w+) took ([\d.]+) ms", out.stderr):
                    stages.setdefault(stage, []).append(float(ms))
            detail = ", ".join(f"{k} {statistics.median(v):.0f} ms" for k, v in stages.items())
            print(f"{size:>6} records: median {statistics.median(walls):.2f} s over {runs} runs "
                  f"(min {min(walls):.2f}, max {max(walls):.2f}); stages: {detail}")


if __name__ == "__main__":
    main()
