"""The CLI as a user runs it: CliRunner for each command, once as a real subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args))


def test_plan_table_on_builtin_example():
    res = invoke("plan")
    assert res.exit_code == 0, res.output
    for word in ("dismantle", "quench", "regenerate_sse", "flare", "scrub", "heat released", "H2"):
        assert word in res.stdout


def test_plan_json_has_the_documented_keys():
    res = invoke("plan", "--format", "json")
    doc = json.loads(res.stdout)
    assert doc["route"] == "direct-regeneration"
    for step in doc["steps"]:
        for key in ("id", "type", "heat_released", "gas_generated", "gas_emitted"):
            assert key in step
        assert set(step["heat_released"]) == {"value", "unit"}
    for key in ("gas_generated", "gas_emitted", "heat_released", "reagents", "products"):
        assert key in doc["totals"]
    assert doc["totals"]["gas_generated"]["H2"]["unit"] == "kg"
    assert doc["balance"]["max_relative_element_residual"] < 1e-9


def test_set_changes_a_parameter():
    doc = json.loads(invoke("plan", "-f", "json", "--set", "quench.solvent=DEC").stdout)
    assert "C2H6" in doc["totals"]["gas_generated"]
    quench = next(s for s in doc["steps"] if s["id"] == "quench")
    assert quench["parameters"]["solvent"] == "DEC"


def test_throughput_basis_gives_rates():
    doc = json.loads(invoke("plan", "-f", "json", "--basis", "10 t/day").stdout)
    assert doc["totals"]["gas_generated"]["H2"]["unit"] == "kg/h"
    assert doc["basis"]["feed"]["value"] == pytest.approx(10000 / 24)


def test_csv_format():
    res = invoke("plan", "-f", "csv")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0].startswith("step,type,")


@pytest.mark.parametrize("args, match", [
    (("plan", "--set", "quench.solvnt=DEC"), "no parameter 'solvnt'"),
    (("plan", "--set", "quench=DEC"), "expected STEP.PARAM=VALUE"),
    (("plan", "--route", "direct-regen"), "unknown route"),
    (("plan", "--basis", "10 m"), "neither a batch mass"),
    (("plan", "missing.csv"), "missing.csv: file not found"),
])
def test_bad_input_exits_2_with_one_clear_line(args, match):
    res = invoke(*args)
    assert res.exit_code == 2
    assert match in res.stderr
    assert "Traceback" not in res.output


def test_out_folder_written_and_not_overwritten(tmp_path):
    out = tmp_path / "plan"
    assert invoke("plan", "--out", str(out)).exit_code == 0
    assert {"plan.json", "steps.csv", "streams.csv", "report.html", "report.md", "summary.json"} <= {p.name for p in out.iterdir()}
    before = (out / "plan.json").read_text()
    res = invoke("plan", "--out", str(out), "--set", "quench.solvent=DEC")
    assert res.exit_code == 2 and "--force" in res.stderr
    assert (out / "plan.json").read_text() == before
    assert invoke("plan", "--out", str(out), "--force", "--set", "quench.solvent=DEC").exit_code == 0
    assert (out / "plan.json").read_text() != before


def test_failed_run_writes_nothing(tmp_path):
    out = tmp_path / "plan"
    res = invoke("plan", "--out", str(out), "--set", "quench.solvent=etanol")
    assert res.exit_code == 2
    assert not out.exists()
    assert [p for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize("cmd, expect", [
    (("routes",), "direct-regeneration"),
    (("steps",), "quench"),
    (("steps", "quench"), "solvent = ethanol"),
    (("chemistries",), "LPSCL-NCM811-LI"),
    (("inventory", "check"), "Li6PS5Cl(s)"),
])
def test_listing_commands(cmd, expect):
    res = invoke(*cmd)
    assert res.exit_code == 0, res.output
    assert expect in res.stdout


def test_inventory_check_json_and_error(tmp_path):
    doc = json.loads(invoke("inventory", "check", "--format", "json").stdout)
    assert doc["mass"]["unit"] == "kg" and doc["elements"]["Li"]["value"] > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("chemistry,count,cell_mass,soc\nLPSCL,1,1 kg,0\n")
    res = invoke("inventory", "check", str(bad))
    assert res.exit_code == 2 and "bad.csv: row 2: chemistry" in res.stderr


def test_every_command_help_has_an_example():
    for cmd in (["plan"], ["routes"], ["steps"], ["chemistries"], ["inventory", "check"]):
        res = invoke(*cmd, "--help")
        assert res.exit_code == 0 and "Example: recycle" in res.stdout, cmd


def test_real_subprocess_from_another_directory(tmp_path):
    """The installed console script works from any directory (data via importlib.resources)."""
    exe = os.path.join(os.path.dirname(sys.executable), "recycle")
    proc = subprocess.run([exe, "plan", "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["balance"]["max_relative_element_residual"] < 1e-9
    bad = subprocess.run([exe, "plan", "nope.csv"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error: nope.csv: file not found")


@pytest.mark.parametrize("cmd, key", [
    (("routes",), "route"), (("routes", "--chemistry", "LIC-NCM811-LIIN"), "status"),
    (("steps",), "type"), (("steps", "leach"), "parameter"), (("chemistries",), "family"),
])
def test_listing_commands_speak_json_and_csv(cmd, key):
    doc = json.loads(invoke(*cmd, "--format", "json").stdout)
    assert doc and all(key in row for row in doc)
    csv = invoke(*cmd, "--format", "csv").stdout.splitlines()
    assert key in csv[0].split(",") and len(csv) == len(doc) + 1


def test_chemistries_json_carries_units_and_bills():
    doc = json.loads(invoke("chemistries", "-f", "json").stdout)
    cell = next(c for c in doc if c["id"] == "LPSCL-NCM811-LI")
    assert cell["specific_energy"]["unit"] == "Wh/kg"
    assert sum(v["value"] for v in cell["bill_of_materials_soc0"].values()) == pytest.approx(1.0)


@pytest.mark.parametrize("cmd", [("plan", "--basis"), ("audit", "--throughput"), ("compare", "--throughput")])
@pytest.mark.parametrize("value", ["0 t/day", "-5 t/day", "0 kg"])
def test_non_positive_basis_is_refused(cmd, value):
    res = invoke(*cmd, value)
    assert res.exit_code == 2 and "must be positive" in res.stderr


def test_soc_without_chemistry_and_file_basis_errors(tmp_path):
    res = invoke("compare", "--soc", "0.5")
    assert res.exit_code == 2 and "--soc: applies to a --chemistry cell" in res.stderr
    inv = tmp_path / "inv.yaml"
    inv.write_text("basis: 0 kg/h\ncells:\n  - chemistry: LATP-LFP-LI\n    mass: 10 kg\n    soc: 0.1\n")
    res = invoke("plan", str(inv))
    assert res.exit_code == 2 and "inv.yaml: basis: '0 kg/h' must be positive" in res.stderr


def test_boiling_quench_solvent_is_refused_and_disabled_flare_is_audited():
    res = invoke("plan", "--set", "quench.temperature=150 degC")
    assert res.exit_code == 2 and "boiling point of ethanol" in res.stderr
    res = invoke("audit", "--set", "flare.enabled=false", "-f", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["flare"][0]["enabled"] is False


def test_out_folder_that_cannot_be_written(tmp_path, monkeypatch):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    res = invoke("plan", "--out", str(blocker / "x"))
    assert res.exit_code == 2 and "cannot write there" in res.stderr
    monkeypatch.chdir(tmp_path)
    res = invoke("plan", "--out", ".", "--force")
    assert res.exit_code == 2 and "current folder" in res.stderr


def test_usage_errors_are_one_line_with_exit_2(tmp_path):
    """Through the installed entry point: a usage error is one line on stderr, exit code 2."""
    res = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "plan", "--bogus"],
                         capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--bogus" in lines[0]


@pytest.mark.parametrize("command", [["plan"], ["audit"], ["sensitivity", "--top", "2"]])
def test_every_command_takes_a_catalogue_cell(command):
    """One CLI grammar (issue 17): --chemistry/--soc on plan, audit and sensitivity as on compare;
    an inventory and --chemistry together are refused with exit 2."""
    res = invoke(*command, "--chemistry", "LPS-NCM811-LI", "--soc", "0.3")
    assert res.exit_code == 0, res.output
    assert "Li3PS4 | NCM811 | Li" in res.stdout or command[0] == "sensitivity"
    both = invoke(*command, "recycle/examples/inventory.csv", "--chemistry", "LPS-NCM811-LI")
    assert both.exit_code == 2 and "not both" in both.stderr
