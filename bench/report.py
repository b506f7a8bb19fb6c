"""What every benchmark report says about where it ran, and how it updates bench/README.md."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
README = REPO_ROOT / "bench" / "README.md"


def print_report(report: object, json_path: str | None) -> None:
    """The report as JSON on stdout, and into `json_path` too when one is given."""
    print(json.dumps(report, indent=2))
    if json_path:
        with open(json_path, "w") as out:
            json.dump(report, out, indent=2)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> str:
    return f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def commit() -> str:
    """The short commit, marked when the tree has changes the numbers may depend on."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
    return (git("rev-parse", "--short", "HEAD") or "unknown") + dirty


def replace_section(begin: str, end: str, body: str, readme: Path = README) -> None:
    """Put `body` between the two markers (appended with them if absent); the rest stays."""
    block = f"{begin}\n{body.strip()}\n{end}"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text)


def publish(table: str, misses: list[str], begin: str, end: str, write_readme: bool) -> None:
    """A bench's table on stdout, what it missed on stderr, and the table into bench/README.md
    between the markers when asked."""
    print(table)
    print("\nMissed:", *misses, sep="\n  ", file=sys.stderr)
    if write_readme:
        replace_section(begin, end, table)
