"""Soak: kill exports at random moments (writing, backing up, swapping in) and check the set.

After every kill, the next holder of the lock must find the complete previous set or the complete
new one, never a mix, and no temporary file or backup. `make soak` runs 200 kills (a few minutes).

    python scripts/soak.py [--kills N] [--seed S]
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from conftest_render import summary  # noqa: E402

from lawreport_cli import export  # noqa: E402

FORMATS = ["xlsx", "csv", "json", "md", "txt"]
CHILD = """
import os, sys, time
sys.path[:0] = [{src!r}, {tests!r}]
from conftest_render import summary
from lawreport_cli import export
def slow_replace(source, target):
    time.sleep(0.01)  # widen the swap window, so kills land in it too
    os.replace(source, target)
files = export.render_files(summary(2023, values={{"penalties.fines": 9_990_000}}), None, {formats!r})
export.write_files({out!r}, files, replace=slow_replace, on_progress=lambda *a: time.sleep(0.002))
"""


def visible(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if not p.name.startswith(".")}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    new = export.render_files(summary(2023, values={"penalties.fines": 9_990_000}), None, FORMATS)
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for kill in range(args.kills):
            out = Path(scratch) / f"k{kill}"
            export.export_reports(summary(2023, values={"penalties.fines": 1_000_000}), None, out, FORMATS)
            old = visible(out)
            child = subprocess.Popen([sys.executable, "-c", CHILD.format(
                src=str(ROOT / "src"), tests=str(ROOT / "tests"), formats=FORMATS, out=str(out))])
            time.sleep(rng.uniform(0.3, 1.5))  # the child's imports take most of it
            child.send_signal(signal.SIGKILL)
            child.wait()
            with export.locked(out):
                export._recover(out)
                export._remove_stale_temps(out, new)
            seen = visible(out)
            leftovers = {p.name for p in out.iterdir() if p.name.startswith(".")} - {export.LOCK_NAME}
            if seen not in (old, new) or leftovers:
                failures += 1
                print(f"kill {kill}: a mixed set or leftovers {sorted(leftovers)}", file=sys.stderr)
            state = "old" if seen == old else "new" if seen == new else "MIXED"
            print(f"kill {kill}: {state}", flush=True)
    print(f"soak: {args.kills} kills, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
