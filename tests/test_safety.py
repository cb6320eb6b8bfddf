"""Safety index: band edges, monotonicity, quench vs no quench, traceability."""
from __future__ import annotations

import json

import pytest
from conftest import bom_inventory
from typer.testing import CliRunner

from cli import app
from recycle.audit import audit
from recycle.safety import band, safety
from recycle.yamlio import load_yaml_file


@pytest.fixture(scope="module")
def bands(db):
    return {k: v.get("bands") for k, v in load_yaml_file(db.directory / "safety.yaml")["factors"].items()}


@pytest.mark.parametrize("factor, value, points", [
    ("reaction_heat", 200, 0), ("reaction_heat", 200.1, 1), ("reaction_heat", 599.9, 1),
    ("reaction_heat", 3000, 3), ("reaction_heat", 3001, 4),                     # Heikkilae: <=200 0 ... >3000 4
    ("toxicity", 0.1, 6), ("toxicity", 0.11, 5), ("toxicity", 1, 5), ("toxicity", 10, 4),
    ("toxicity", 10000, 1), ("toxicity", 10001, 0),
    ("temperature", -5, 1), ("temperature", 25, 0), ("temperature", 70, 0), ("temperature", 71, 1),
    ("temperature", 601, 4),
    ("explosiveness", 20, 1), ("explosiveness", 44, 2), ("explosiveness", 71, 4),
])
def test_band_edges(bands, factor, value, points):
    assert band(value, bands[factor]) == points


def score(planner, bom, route="hydrometallurgy", overrides=None):
    result = planner.plan(bom_inventory(planner, bom), route, basis="10 t/day", overrides=overrides)
    return safety(result, audit(result))


@pytest.mark.parametrize("route", ["hydrometallurgy", "direct-regeneration", "pyrometallurgy"])
def test_more_lithium_never_lowers_the_score(planner, route):
    base = {"NCM811": 5.0, "Li6PS5Cl": 2.0, "Cu": 1.0}
    scores = [score(planner, base | {"Li": li}, route).score for li in (0.0, 0.1, 1.0, 3.0)]
    assert scores == sorted(scores)


def test_skipping_the_quench_scores_worse(planner):
    bom = {"Li": 0.5, "NCM811": 5.0, "Li6PS5Cl": 2.0, "Cu": 1.0}
    quenched = score(planner, bom)
    skipped = score(planner, bom, overrides={"quench": {"solvent": "none"}})
    assert skipped.score > quenched.score
    li = skipped.by_factor["reactive_lithium"]
    assert li.step == "leach" and "water" in li.basis


def test_sulfide_pyrometallurgy_carries_an_so2_toxicity_term(planner):
    s = score(planner, {"Li6PS5Cl": 2.0, "NCM811": 5.0, "Cu": 1.0}, "pyrometallurgy")
    terms = [p for p in s.breakdown if p.factor == "toxicity" and "SO2" in p.basis]
    assert terms and terms[0].step == "smelt" and terms[0].points >= 4


def test_every_point_names_its_step_and_quantity(planner):
    result = planner.plan(None, "direct-regeneration", basis="10 t/day")
    s = safety(result, audit(result))
    assert s.breakdown
    for p in s.breakdown:
        assert p.step in result.steps or (p.step, p.factor) == ("stack", "stack_release")
        assert isinstance(p.value, float) and p.unit and p.basis
    assert sum(p.points for p in s.by_factor.values()) == s.score
    assert len(s.contributors) == 3 and all(" in " in c for c in s.contributors)


def test_compare_json_has_safety_per_route():
    res = CliRunner().invoke(app, ["compare", "--format", "json", "--routes", "hydrometallurgy",
                                   "--routes", "pyrometallurgy"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [r["route"] for r in doc["routes"]] == ["hydrometallurgy", "pyrometallurgy"]
    for r in doc["routes"]:
        assert isinstance(r["safety"]["score"], int) and r["safety"]["breakdown"] and r["safety"]["contributors"]


def test_methods_page_lists_every_factor_and_band(db):
    """docs/methods.md states the bands that chemistry/safety.yaml holds (no silent drift)."""
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "methods.md").read_text()
    for key, factor in load_yaml_file(db.directory / "safety.yaml")["factors"].items():
        assert factor["title"] in text, key
        for edge, points in factor.get("bands", []):
            assert f"<= {edge} -> {points}" in text, (key, edge)


def test_a_toxic_stack_release_scores_and_is_critical(planner):
    """Hydrometallurgy of a sulfide cell: the leach's H2S burns to SO2 in the flare, and 2 % of it
    passes the 98 % caustic polish: above the SO2 IDLH (100 ppm) in the stack gas, a critical
    finding. The index's stack term follows the plume at the ground (mass emitted, not stack
    ppm): 1.2 % of ERPG-2 is 1 point; without the scrubber 61 % of ERPG-2, 3 points; a 99.99 %
    removal brings it to 0 and clears the critical finding."""
    inv = bom_inventory(planner, {"Li6PS5Cl": 2.0, "NCM811": 5.0})
    result = planner.plan(inv, "hydrometallurgy", basis="10 t/day")
    report = audit(result)
    crit = [f for f in report.findings if f.step == "stack" and f.gas == "SO2"]
    assert crit and crit[0].severity == "critical" and crit[0].value > 100
    point = safety(result, report).by_factor["stack_release"]
    assert point.points == 1 and "SO2" in point.basis and "at the ground" in point.basis
    bare = planner.plan(inv, "hydrometallurgy", basis="10 t/day", overrides={"scrub": {"removal": "0"}})
    assert safety(bare, audit(bare)).by_factor["stack_release"].points == 3
    polished = planner.plan(inv, "hydrometallurgy", basis="10 t/day",
                            overrides={"scrub": {"removal_by_gas": "SO2: 0.9999, H2S: 0.9999"}})
    assert not [f for f in audit(polished).findings if f.step == "stack" and f.severity == "critical"]
    assert safety(polished, audit(polished)).by_factor["stack_release"].points == 0
    clean = planner.plan(bom_inventory(planner, {"LLZO": 2.0, "NCM811": 5.0}), "hydrometallurgy", basis="10 t/day")
    assert safety(clean, audit(clean)).by_factor["stack_release"].points < 6


def test_the_quench_vessel_is_in_alkali_service(planner):
    """Luo 2024 section 4.2: the strongly basic LiOH (here the ethoxide of the ethanol quench)
    that Li metal gives demands more of the vessel: the quench's corrosivity term names it."""
    result = planner.plan(bom_inventory(planner, {"Li": 1.0, "NCM811": 5.0, "Li6PS5Cl": 2.0}), "direct-regeneration",
                          basis="10 t/day")
    points = [p for p in safety(result, audit(result)).breakdown if p.factor == "corrosivity"
              and p.step == "quench"]
    assert points and points[0].points >= 1 and "LiOC2H5(s)" in points[0].basis
