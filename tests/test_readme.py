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


def test_readme_inventory_examples_are_valid(planner, tmp_path):
    text = (ROOT / "README.md").read_text()
    inv = text.split("## Inventories", 1)[1]
    csv_text = re.search(r"```csv\n(.+?)\n```", inv, re.S).group(1)
    yaml_text = re.search(r"```yaml\n(.+?)\n```", inv, re.S).group(1)
    (tmp_path / "inv.csv").write_text(csv_text + "\n")
    (tmp_path / "inv.yaml").write_text(yaml_text + "\n")
    assert planner.read_inventory(tmp_path / "inv.csv").total_mass > 0
    assert planner.read_inventory(tmp_path / "inv.yaml").total_mass > 0
