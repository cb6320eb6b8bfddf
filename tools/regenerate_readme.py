"""Rewrite the README's ``$ recycle ...`` output blocks with what the commands print now.

Each block keeps its shape: each segment between ``...`` lines is found again in the output by
its first line's first word and runs to where its last line's first word is found again (so an
added table row is taken in), and every line is cut at the segment's widest shown line. Run from the repository root, then read the diff: a moved number
is a result that changed, and the README says which revision moved which figures.

    python tools/regenerate_readme.py
"""
from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cli import app


def regenerate(body: str) -> str:
    """The block ``body`` (command line and shown output) with the output as printed now."""
    lines = body.rstrip("\n").split("\n")
    command, shown = lines[0], lines[1:]
    result = CliRunner().invoke(app, shlex.split(command[2:])[1:])
    if result.exit_code != 0:
        raise SystemExit(f"{command}: exit {result.exit_code}\n{result.output}")
    actual = result.stdout.rstrip("\n").split("\n")
    out, pos, segment = [command], 0, []
    for line in [*shown, None]:
        if line is not None and line.strip() != "...":
            segment.append(line)
            continue
        if segment:
            key = segment[0].split()[0] if segment[0].split() else ""
            start = next((i for i in range(pos, len(actual)) if (actual[i].split() or [""])[0] == key), None)
            if start is None:
                raise SystemExit(f"{command}: no output line starts with {key!r} any more")
            # the segment ends where its last line's first word is found again (rows may be added)
            last_key = (segment[-1].split() or [""])[0]
            ends = [i for i in range(start + max(len(segment) - 1, 0), min(len(actual), start + len(segment) + 20))
                    if (actual[i].split() or [""])[0] == last_key]
            end = ends[0] + 1 if ends and len(segment) > 1 else start + len(segment)
            width = max(len(line) for line in segment)
            for offset in range(end - start):
                new = actual[start + offset] if start + offset < len(actual) else ""
                out.append(new[:width] if len(new) > width else new)
            pos = end
        if line is not None:
            out.append("...")
        segment = []
    return "\n".join(out) + "\n"


def main() -> int:
    path = ROOT / "README.md"
    text = path.read_text()

    def replace(match: re.Match) -> str:
        body = match.group(1)
        return "```text\n" + (regenerate(body) if body.startswith("$ recycle") else body) + "```"

    path.write_text(re.sub(r"```text\n(.*?)```", replace, text, flags=re.DOTALL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
