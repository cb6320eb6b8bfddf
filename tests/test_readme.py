"""The README's two set-up commands: .ci/run runs the test command verbatim."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set up and run (two commands)", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", setup, re.S)


def test_two_commands_and_ci_runs_the_test_one_verbatim():
    commands = readme_commands()
    assert len(commands) == 2
    main, tests = commands
    assert "pip install ." in main and main.endswith("recycle plan")
    assert tests.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci
