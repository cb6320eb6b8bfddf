"""Individual steps against hand calculations and published values."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import feed_of

from recycle.moisture import complete_release_per_mass
from recycle.steps import STEP_TYPES


def run_step(planner, step_type, inlets, **params):
    step = STEP_TYPES[step_type]("s", params, "test")
    return step.run(inlets, planner.context(False))


def test_one_kg_li_in_ethanol_gives_72_mol_h2(planner):
    # Hand calculation (DOMAIN.md section 3): 1000 g / 6.94 g/mol = 144.1 mol Li -> 72.05 mol H2,
    # x 2.016 g/mol = 0.1452 kg.
    db = planner.db
    out = run_step(planner, "quench", {"feed": feed_of(planner, {"Li": 1.0})}, solvent="ethanol")
    h2 = out.outlets["off_gas"][0, db.index["H2"]]
    assert h2 == pytest.approx(72.0, abs=0.1)
    assert h2 * db.molar_mass[db.index["H2"]] == pytest.approx(0.1452, abs=0.0005)
    assert out.outlets["slurry"][0, db.index["Li(cr)"]] == pytest.approx(0.0, abs=1e-12)


def test_dec_quench_gives_ethane_not_only_h2(planner):
    db = planner.db
    out = run_step(planner, "quench", {"feed": feed_of(planner, {"Li": 1.0})}, solvent="DEC")
    # 2 Li + DEC -> LiEtCO3 + EtLi; EtLi + EtOH -> LiOEt + C2H6: 72.05 mol C2H6 per kg Li.
    assert out.outlets["off_gas"][0, db.index["C2H6"]] == pytest.approx(72.05, rel=1e-3)
    assert out.outlets["off_gas"][0, db.index["H2"]] == pytest.approx(0.0, abs=1e-12)


def test_skipping_the_quench_passes_li_on(planner):
    db = planner.db
    out = run_step(planner, "quench", {"feed": feed_of(planner, {"Li": 1.0})}, solvent="none")
    assert out.outlets["slurry"][0, db.index["Li(cr)"]] == pytest.approx(144.09, rel=1e-3)
    assert any("skipped" in n for n in out.notes)


def test_li3ps4_complete_hydrolysis_gives_4_h2s(planner):
    # DOMAIN.md section 3: Li3PS4 + 4 H2O -> Li3PO4 + 4 H2S, 544 cm3 H2S per g at 25 C.
    db = planner.db
    r = planner.reactions["hydrolysis_Li3PS4"]
    assert r.coefficient(db, "H2S") / -r.coefficient(db, "Li3PS4(s)") == 4
    assert complete_release_per_mass(db, r) == pytest.approx(0.544, rel=0.01)  # m3/kg = L/g


@pytest.mark.parametrize("rid, per_g, rel", [
    ("hydrolysis_Li7P3S11", 0.545, 0.01),
    ("hydrolysis_Li6PS5Cl", 0.365, 0.01),
    ("hydrolysis_Li10GeP2S12", 0.499, 0.01),
    ("hydrolysis_Li3InCl6", 0.211, 0.01),
    ("hydrolysis_LiBH4", 4.49, 0.01),
    ("hydrolysis_Li3N", 0.70, 0.02),
])
def test_worst_case_gas_per_gram_matches_domain_table(planner, rid, per_g, rel):
    """Gas per g of solid on complete hydrolysis, DOMAIN.md section 3 (L/g at 25 C, 1 atm)."""
    assert complete_release_per_mass(planner.db, planner.reactions[rid]) == pytest.approx(per_g, rel=rel)


def test_flare_4_percent_h2_in_air_burns_to_628_k(planner):
    # DOMAIN.md section 7: 4 % H2 in air burns to 628 K (Cantera HP equilibrium).
    db = planner.db
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["H2"]] = 4.0
    for gas, x in (("N2", 0.78084), ("O2", 0.209476), ("Ar", 0.00934)):
        feed[0, db.index[gas]] = 96.0 * x
    out = run_step(planner, "flare", {"gas": feed})
    assert out.quantities["flame_temperature"][0][0] == pytest.approx(628, abs=5)
    assert out.reagents.sum() == 0  # already lean: no air added


def test_flare_h2_h2s_mixture_gives_so2(planner):
    # DOMAIN.md section 7: 70/30 H2/H2S at lambda 1.5 gives 1780 K and 4.8 % SO2.
    db = planner.db
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["H2"]], feed[0, db.index["H2S"]] = 0.7, 0.3
    out = run_step(planner, "flare", {"gas": feed}, excess_air="1.5")
    flue = out.outlets["flue_gas"][0]
    assert out.quantities["flame_temperature"][0][0] == pytest.approx(1780, abs=30)
    assert flue[db.index["SO2"]] / flue[db.is_gas].sum() == pytest.approx(0.048, abs=0.003)


def test_scrubber_caustic_per_kg_gas(planner):
    # DOMAIN.md section 7: 2.35 kg NaOH per kg H2S (to Na2S), 1.10 per kg HCl.
    db = planner.db
    for gas, ratio in (("H2S", 2.35), ("HCL", 1.10), ("SO2", 1.25)):
        feed = feed_of(planner, {gas: 1.0})
        out = run_step(planner, "scrub", {"gas": feed}, removal="1", caustic_excess="1")
        naoh = out.reagents[0, db.index["NaOH(a)"]] * db.molar_mass[db.index["NaOH(a)"]]
        assert naoh == pytest.approx(ratio, abs=0.01), gas


@pytest.mark.parametrize("rid, key, gas, per_unit", [
    ("hydrolysis_Li3InCl6", "Li3InCl6(s)", "HCL", 3),   # DOMAIN.md section 3: 3 HCl per formula unit
    ("hydrolysis_Li3N", "Li3N(s)", "NH3", 1),           # 1 NH3 per formula unit
    ("hydrolysis_Li3PS4", "Li3PS4(s)", "H2S", 4),
    ("hydrolysis_LiBH4", "LiBH4(s)", "H2", 4),
])
def test_gas_per_formula_unit(planner, rid, key, gas, per_unit):
    db = planner.db
    r = planner.reactions[rid]
    assert r.coefficient(db, gas) / -r.coefficient(db, key) == per_unit


def test_libh4_gives_0_370_g_h2_per_g(planner):
    """DOMAIN.md section 3: LiBH4 + 2 H2O -> LiBO2 + 4 H2: 4 x 2.016 / 21.78 = 0.370 g H2 per g,
    through a step: brine reaching all of the hydride."""
    db = planner.db
    out = run_step(planner, "discharge", {"cells": feed_of(planner, {"LiBH4": 1.0})}, method="brine",
                   brine_ingress="1")
    h2_kg = out.outlets["off_gas"][0, db.index["H2"]] * db.molar_mass[db.index["H2"]]
    assert h2_kg == pytest.approx(0.370, abs=0.002)
