"""Robustness: the corpus of bad files, property-based tests, determinism."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from recycle.errors import InputError
from recycle.flowsheet import available_routes, load_route
from recycle.inventory import Inventory, InventoryRow
from recycle.reactions import load_reactions
from recycle.yamlio import load_yaml_file

CORPUS = Path(__file__).parent / "bad_inputs"
EXPECTED = load_yaml_file(CORPUS / "expected.yaml")
runner = CliRunner()


def test_corpus_covers_every_file():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_one_clear_message(name, tmp_path, db):
    case = EXPECTED[name]
    path = CORPUS / name
    out = tmp_path / "out"
    if case["kind"] == "reactions":
        with pytest.raises(InputError) as info:
            load_reactions(db, path)
        assert case["match"] in str(info.value)
        return
    args = {"inventory": ["plan", str(path), "--out", str(out)],
            "route": ["plan", "--route", str(path), "--out", str(out)],
            "prices": ["compare", "--routes", "pyrometallurgy", "--prices", str(path), "--out", str(out)]}[case["kind"]]
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    message = res.stderr.strip()
    assert case["match"] in message
    assert name in message and message.startswith("error: ") and len(message.splitlines()) == 1
    assert "Traceback" not in res.output
    assert not out.exists()


def test_a_200_mb_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.csv"
    with open(big, "wb") as f:
        f.truncate(201 * 1024 * 1024)        # sparse: costs no memory or disk
    res = runner.invoke(app, ["inventory", "check", str(big)])
    assert res.exit_code == 2 and "larger than the 210 MB limit" in res.stderr


def test_debug_shows_the_traceback():
    res = runner.invoke(app, ["--debug", "plan", str(CORPUS / "soc_out_of_range.csv")])
    assert res.exit_code != 0 and isinstance(res.exception, InputError)


def test_failed_run_leaves_an_existing_output_untouched(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["plan", "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = runner.invoke(app, ["plan", str(CORPUS / "no_unit.csv"), "--out", str(out), "--force"])
    assert res.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_same_inputs_give_byte_identical_json():
    for args in (["plan", "-f", "json"], ["plan", "-f", "json", "--basis", "10 t/day", "-r", "pyrometallurgy"],
                 ["audit", "-f", "json"], ["compare", "-f", "json", "--routes", "hybrid"]):
        first, second = runner.invoke(app, args), runner.invoke(app, args)
        assert first.exit_code == 0, first.output
        assert first.stdout == second.stdout, args


# --- property-based tests ------------------------------------------------------------------
CHEMISTRIES = ["LPSCL-NCM811-LI", "LPS-NCM811-LI", "LGPS-LCO-LI", "LLZO-NCM811-LI", "LATP-LFP-LI",
               "LIC-NCM811-LIIN", "LBH-TIS2-LI", "PEO-LFP-LI"]
rows = st.lists(st.tuples(st.sampled_from(CHEMISTRIES), st.floats(0.0, 1.0), st.floats(0.1, 1e4)), min_size=1,
                max_size=4)
params = st.fixed_dictionaries({
    "quench": st.fixed_dictionaries({"solvent": st.sampled_from(["ethanol", "isopropanol", "DEC", "water", "none"]),
                                     "excess": st.floats(1.0, 6.0).map(str)}),
    "scrub": st.fixed_dictionaries({"reagent": st.sampled_from(["NaOH", "CaOH2"]),
                                    "removal": st.floats(0.5, 1.0).map(str)}),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, params=params, route=st.sampled_from(sorted(available_routes())))
def test_random_inventories_and_parameters_stay_balanced(planner, rows, params, route):
    from recycle.audit import audit
    from recycle.safety import safety

    inv = Inventory("hypothesis", [InventoryRow(f"r{i}", c, m, s, planner.catalogue[c].bill_of_materials(s, planner.db))
                                   for i, (c, s, m) in enumerate(rows)])
    steps = load_route(route).steps
    overrides = {k: v for k, v in params.items() if k in steps}
    result = planner.plan(inv, route, basis="5 t/day", overrides=overrides)
    assert result.max_relative_element_residual() < 1e-9
    for step in result.steps.values():
        assert np.all(np.isfinite(step.heat_released)) and np.all(np.isfinite(step.enthalpy_duty))
    score = safety(result, audit(result))
    assert np.isfinite(score.score) and np.isfinite(score.score_worst_case)


VALID_CSV = (Path(__file__).parent.parent / "recycle" / "examples" / "inventory.csv").read_text()
VALID_ROUTE = (Path(__file__).parent.parent / "flowsheets" / "direct-regeneration.yaml").read_text()


def corruptions(text: str):
    """Strategy: ``text`` with a random slice deleted, replaced, duplicated or junk inserted."""
    junk = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)

    @st.composite
    def build(draw):
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 12)))
        how = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        extra = draw(junk)
        return {"delete": text[:i] + text[j:], "insert": text[:i] + extra + text[i:],
                "replace": text[:i] + extra + text[j:], "duplicate": text[:j] + text[i:j] + text[j:]}[how]
    return build()


def assert_clean(run):
    try:
        result = run()
    except InputError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip()
    else:
        assert result.max_relative_element_residual() < 1e-9


@settings(max_examples=int(os.environ.get("RECYCLE_FUZZ_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=corruptions(VALID_CSV))
def test_corrupted_inventories_give_clean_errors(planner, tmp_path, text):
    """Every corruption either still reads as a valid inventory or raises InputError, nothing else."""
    path = tmp_path / "inv.csv"
    path.write_text(text, encoding="utf-8")
    assert_clean(lambda: planner.plan(path, "direct-regeneration"))


@settings(max_examples=int(os.environ.get("RECYCLE_FUZZ_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=corruptions(VALID_ROUTE))
def test_corrupted_routes_give_clean_errors(planner, tmp_path, text):
    path = tmp_path / "route.yaml"
    path.write_text(text, encoding="utf-8")
    assert_clean(lambda: planner.plan(None, str(path)))


def test_non_regular_files_are_refused_without_blocking(tmp_path):
    """A FIFO would block forever and a symlink to /dev/zero would exhaust memory: both are
    refused before reading (exit 2, one line)."""
    import os

    fifo = tmp_path / "cells.csv"
    os.mkfifo(fifo)
    zero = tmp_path / "cells.yaml"
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero):
        res = runner.invoke(app, ["plan", str(path)])
        assert res.exit_code == 2 and "not a regular file" in res.stderr, res.output


def test_yaml_integers_follow_the_core_schema(planner, tmp_path):
    """count: 010 is ten cells (YAML 1.2), not eight (YAML 1.1 octal); yes is text, not true."""
    from recycle.yamlio import load_yaml_text

    assert load_yaml_text("a: 010\nb: 0o10\nc: yes\nd: true\ne: 1:20", "x") == {"a": 10, "b": 8, "c": "yes", "d": True,
                                                                              "e": "1:20"}
    path = tmp_path / "inv.yaml"
    path.write_text("cells:\n  - {chemistry: LPSCL-NCM811-LI, count: 010, cell_mass: 1 kg, soc: 0}\n")
    assert planner.read_inventory(path).total_mass == pytest.approx(10.0)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(number=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False), unit=st.sampled_from(["kg", "t", "g", "lb"]))
def test_quantity_grammar_reads_every_plain_number_and_unit(number, unit):
    """Property: '<number> <unit>' in plain or exponent notation reads back as the number."""
    from recycle.units import Q_, to_si

    for text in (f"{number} {unit}", f"{number:e} {unit}"):
        assert to_si(text, "mass", "x") == pytest.approx(float(Q_(float(text.split()[0]), unit).to("kg").magnitude), rel=1e-9)


@given(text=st.text(alphabet="0123456789,. kgtm^*/-e", min_size=1, max_size=12))
@settings(max_examples=300, deadline=None, derandomize=True)
@example(text="0k^4^4")          # found by hypothesis: k^256 overflowed pint
def test_quantity_grammar_never_hangs_or_misreads_commas(text):
    """Property: any short string either reads as a finite mass or is an InputError; a comma
    between digits is never read as a decimal or a thousands separator."""
    import math
    import re

    from recycle.units import to_si

    try:
        value = to_si(text, "mass", "x")
    except InputError:
        return
    assert math.isfinite(value)
    assert not re.match(r"^\s*[+-]?[\d.]+,\d", text)


def test_nonsense_routes_and_physics_are_refused(planner):
    """Cells sent straight to the stack, a dew point above the room temperature, a room of no
    volume: each is refused with the place named (review of hostile inputs, round two)."""
    from recycle.flowsheet import build_route

    straight = build_route("to-stack", {"description": "t", "steps": {"d": {"type": "discharge"}},
                                         "edges": [{"from": "feed", "to": "d.cells"}, {"from": "d.cells", "to": "stack"},
                                                   {"from": "d.off_gas", "to": "stack"}]}, "t")
    with pytest.raises(InputError, match="only gas may go there"):
        planner.plan(None, straight)
    with pytest.raises(InputError, match="dew_point.*above the room temperature"):
        planner.plan(None, "direct-regeneration", overrides={"dismantle": {"dew_point": "30 degC"}})
    with pytest.raises(InputError, match="room_volume.*must be positive"):
        planner.plan(None, "direct-regeneration", overrides={"dismantle": {"room_volume": "0 m^3"}})


def test_the_audit_flags_a_flammable_stack(planner):
    """H2 in N2 fed to a route without a flare in its path: the stack gas is above its LEL."""
    from conftest import bom_inventory

    from recycle.audit import audit
    from recycle.flowsheet import build_route

    route = build_route("shred-only", {"description": "t", "steps": {"s": {"type": "shred"}},
                                       "edges": [{"from": "feed", "to": "s.cells"}, {"from": "s.shredded", "to": "waste:w"},
                                                 {"from": "s.dust", "to": "waste:d"}, {"from": "s.off_gas", "to": "stack"}]}, "t")
    result = planner.plan(bom_inventory(planner, {"H2": 0.1, "N2": 1.0}), route, basis="1 t/day")
    found = [f for f in audit(result).findings if f.step == "stack" and "LEL" in f.message]
    assert found and found[0].severity == "critical"


def test_csv_outputs_escape_formulas_and_force_replaces_only_our_folders(tmp_path):
    """A step id or sink name starting with '=' is escaped in CSV output; --force refuses a folder
    recycle did not write (no marker file) and replaces one it did."""
    import pandas as pd

    from recycle.report.output import MARKER, safe_csv, write_folder

    text = safe_csv(pd.DataFrame({"step": ["=cmd|' /C calc'!A0", "quench"], "value": [-1.5, 2.0]}))
    assert "'=cmd" in text and "-1.5" in text
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    with pytest.raises(InputError, match="not written by recycle"):
        write_folder(foreign, {"a.txt": "x"}, force=True)
    ours = write_folder(tmp_path / "out", {"a.txt": "x"})
    assert (ours / MARKER).exists()
    write_folder(ours, {"b.txt": "y"}, force=True)
    assert (ours / "b.txt").exists() and not (ours / "a.txt").exists()


@pytest.mark.parametrize("command", [["inventory", "check"], ["audit"], ["plan"], ["compare", "--routes", "hybrid"]])
def test_every_command_refuses_a_bad_inventory_basis_alike(tmp_path, command):
    """A YAML inventory's basis is checked when the file is read, so every command refuses it."""
    path = tmp_path / "inv.yaml"
    path.write_text("basis: 2,5 t/day\ncells:\n  - {chemistry: LPSCL-NCM811-LI, count: 10, cell_mass: 1 kg, soc: 0}\n")
    res = runner.invoke(app, [*command, str(path)])
    assert res.exit_code == 2 and "basis: cannot read '2,5 t/day'" in res.stderr, res.output


def test_percent_prices_and_impossible_masses(planner, tmp_path, db):
    """A payable written as '73.5 %' is 0.735, not 73.5; a row of 1e300 cells of 1e30 kg is
    refused, never an infinite mass (review of the session)."""
    from recycle.prices import load_prices

    book = load_prices(db.directory, overrides={"payable_NiCo": "73.5 %"})
    assert book.get("payable_NiCo").value == pytest.approx(0.735)
    path = tmp_path / "inv.yaml"
    path.write_text("cells:\n  - {chemistry: LPSCL-NCM811-LI, count: 1.0e300, cell_mass: 1e29 kg, soc: 0}\n")
    with pytest.raises(InputError, match="more than any plant handles"):
        planner.read_inventory(path)


def test_wet_steps_refuse_temperatures_above_boiling(planner):
    with pytest.raises(InputError, match="leach.temperature.*at most 100 C"):
        planner.plan(None, "hydrometallurgy", overrides={"leach": {"temperature": "300 degC"}})


def test_output_writers_lock_and_clean_up(tmp_path):
    """A second writer refuses while a live one holds the lock; a lock or a temporary folder left
    by a dead run is taken over or removed."""
    import os
    import subprocess

    from recycle.report.output import write_folder

    out = tmp_path / "results"
    dead = subprocess.Popen(["true"])
    dead.wait()                                            # a pid that no longer runs
    (tmp_path / ".results.lock").write_text(str(dead.pid))
    stale = tmp_path / f".results.{dead.pid}.tmpabc"
    stale.mkdir()
    write_folder(out, {"a.txt": "x"})
    assert (out / "a.txt").exists() and not stale.exists() and not (tmp_path / ".results.lock").exists()
    (tmp_path / ".results.lock").write_text(str(os.getpid()))          # a live writer: this process
    with pytest.raises(InputError, match="another recycle run"):
        write_folder(out, {"b.txt": "y"}, force=True)
    (tmp_path / ".results.lock").unlink()


def test_a_run_stopped_while_writing_leaves_no_temporary_folder(tmp_path):
    """SIGTERM during --out raises SystemExit (recycle.report.output._terminate); the temporary folder is
    removed and the lock released. Simulated by a stop between two files."""
    import signal

    from recycle.report.output import _terminate, write_folder

    class Stops(dict):
        def items(self):
            yield "a.txt", "x"
            _terminate(signal.SIGTERM, None)

    with pytest.raises(SystemExit):
        write_folder(tmp_path / "out", Stops())
    assert sorted(p.name for p in tmp_path.iterdir()) == []
