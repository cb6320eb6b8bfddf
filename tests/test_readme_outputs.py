"""The outputs the README shows are what the commands print (issue 17: the README's outputs are tested).

Each ```text block that starts with ``$ recycle ...`` is run; its lines must appear in the
output in order. A line ``...`` in the README skips output lines. Lines may be cut at the
right (the last, cut token is then not compared). Numbers must agree to 1e-3 relative (1e-9
absolute for round-off quantities such as element residuals): a change in a shown result
fails here until the README is regenerated.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

README = Path(__file__).parent.parent / "README.md"
NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$")


def blocks() -> list[tuple[str, list[str]]]:
    text = README.read_text()
    out = []
    for body in re.findall(r"```text\n(.*?)```", text, re.S):
        lines = body.rstrip("\n").split("\n")
        if lines and lines[0].startswith("$ recycle"):
            out.append((lines[0][2:], lines[1:]))
    return out


def same_token(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if NUMBER.match(expected) and NUMBER.match(actual):
        e, a = float(expected.rstrip("%")), float(actual.rstrip("%"))
        return abs(e - a) <= max(1e-3 * max(abs(e), abs(a)), 1e-9)
    return False


def same_line(expected: str, actual: str) -> bool:
    e, a = expected.split(), actual.split()
    if len(e) == len(a) and all(same_token(x, y) for x, y in zip(e, a)):
        return True
    if len(e) < len(a) or len(expected) < len(actual):        # cut at the right: drop the cut token
        return len(e) <= len(a) and all(same_token(x, y) for x, y in zip(e[:-1], a))
    return False


@pytest.mark.parametrize("command, shown", blocks(), ids=lambda v: v if isinstance(v, str) else "")
def test_readme_output_is_what_the_command_prints(command, shown):
    args = shlex.split(command)[1:]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    actual = res.stdout.rstrip("\n").split("\n")
    segments, current = [], []
    for line in shown:
        if line.strip() == "...":
            segments.append(current)
            current = []
        else:
            current.append(line)
    segments.append(current)
    pos = 0
    for segment in segments:
        if not segment:
            continue
        for start in range(pos, len(actual) - len(segment) + 1):
            if all(same_line(e, a) for e, a in zip(segment, actual[start:start + len(segment)])):
                pos = start + len(segment)
                break
        else:
            first_bad = next((e for e in segment if not any(same_line(e, a) for a in actual[pos:])), segment[0])
            raise AssertionError(f"README block '{command}': shown line not printed (regenerate the README):\n"
                                 f"  {first_bad[:160]}")


def test_the_readme_shows_the_main_commands():
    commands = [c.split()[1] for c, _ in blocks()]
    assert {"plan", "audit", "compare"} <= set(commands)
