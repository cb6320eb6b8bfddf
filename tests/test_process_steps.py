"""Discharge, shred, separate, regeneration per family, relithiation, scrubbing variants."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import feed_of

from recycle.steps import STEP_TYPES


def run_step(planner, step_type, inlets, worst=False, **params):
    step = STEP_TYPES[step_type]("s", params, "test")
    return step.run(inlets, planner.context(False, [worst]))


def residual(planner, inlets, out):
    db = planner.db
    change = sum(out.outlets.values()) - sum(inlets.values()) - out.reagents
    return np.abs(db.element_totals(change)).max()


@pytest.mark.parametrize("charged, reaction, volts", [
    ("Ni0.8Co0.1Mn0.1O2", "discharge_NCM811", 3.8),   # CELLS.md nominal voltages
    ("CoO2", "discharge_LiCoO2", 3.9),
    ("FePO4", "discharge_LiFePO4", 3.375),
    ("TiS2", "discharge_TiS2", 2.1),
])
def test_discharge_voltage_from_cantera_gibbs_energy(planner, charged, reaction, volts):
    """-dG/F of Li + host -> LiHost from the species data vs the cell's nominal voltage (+-0.3 V)."""
    inlets = {"cells": feed_of(planner, {charged: 1.0, "Li": 1.0})}
    out = run_step(planner, "discharge", inlets)
    v = out.quantities[f"voltage_{reaction}"][0][0]
    assert v == pytest.approx(volts, abs=0.3)
    db = planner.db
    assert out.outlets["cells"][0, db.index[f"{charged}(s)"]] == pytest.approx(0.0, abs=1e-12)
    assert residual(planner, inlets, out) < 1e-12


def test_brine_discharge_makes_h2_and_h2s(planner):
    db = planner.db
    inlets = {"cells": feed_of(planner, {"Li": 1.0, "Li6PS5Cl": 1.0})}
    out = run_step(planner, "discharge", inlets, method="brine", brine_ingress="0.1")
    gas = out.outlets["off_gas"][0]
    # Hand calculation: 10 % of 144.1 mol Li -> 7.2 mol H2; 10 % of 3.726 mol Li6PS5Cl x 4 H2S = 1.49 mol
    # plus the Li2S it leaves reacting in turn (hydrolysis_Li2S follows in the file).
    assert gas[db.index["H2"]] == pytest.approx(7.2, rel=0.01)
    assert gas[db.index["H2S"]] >= 1.49
    assert any("hazardous" in n for n in out.notes)
    assert residual(planner, inlets, out) < 1e-12


def test_shredding_under_nitrogen_forms_li3n_and_argon_does_not(planner):
    db = planner.db
    inlets = {"cells": feed_of(planner, {"Li": 1.0, "Cu": 1.0})}
    n2 = run_step(planner, "shred", inlets, atmosphere="nitrogen", nitridation="0.05")
    # 5 % of 144.1 mol Li -> 2.40 mol Li3N (6 Li + N2 -> 2 Li3N)
    assert n2.outlets["shredded"][0, db.index["Li3N(s)"]] / (1 - 0.01) == pytest.approx(2.40, rel=0.01)
    assert any("Li3N" in n for n in n2.notes)
    ar = run_step(planner, "shred", inlets, atmosphere="argon")
    assert ar.outlets["shredded"][0, db.index["Li3N(s)"]] == 0
    worst = run_step(planner, "shred", inlets, worst=True, atmosphere="nitrogen", nitridation="0.05")
    assert worst.outlets["shredded"][0, db.index["Li3N(s)"]] > n2.outlets["shredded"][0, db.index["Li3N(s)"]]
    assert residual(planner, inlets, n2) < 1e-12


def test_separate_splits_by_role(planner):
    db = planner.db
    inlets = {"feed": feed_of(planner, {"Cu": 1.0, "NCM811": 1.0, "PP": 1.0, "ethanol": 1.0})}
    out = run_step(planner, "separate", inlets, foil_recovery="0.9")
    assert out.outlets["foils"][0, db.index["Cu(cr)"]] == pytest.approx(0.9 * inlets["feed"][0, db.index["Cu(cr)"]])
    assert out.outlets["black_mass"][0, db.index["NCM811(s)"]] == inlets["feed"][0, db.index["NCM811(s)"]]
    assert residual(planner, inlets, out) == 0


@pytest.mark.parametrize("species, solvent, product", [
    ("Li6PS5Cl", "ethanol", "Li6PS5Cl(s)"),
    ("Li3PS4", "NMF", "Li3PS4(s)"),
    ("Li3InCl6", "ethanol", "Li3InCl6(s)"),     # halides go water-mediated whatever the sulfide solvent
    ("LLZO", "ethanol", "Li7La3Zr2O12(s)"),
    ("PEO", "ethanol", "PEO(s)"),
])
def test_regeneration_recovers_each_family(planner, species, solvent, product):
    db = planner.db
    inlets = {"feed": feed_of(planner, {species: 1.0, "NCM811": 2.0})}
    out = run_step(planner, "regenerate_sse", inlets, solvent=solvent, recovery="0.9")
    got = out.outlets["electrolyte"][0, db.index[product]]
    fed = inlets["feed"][0, db.index[product]]
    assert 0.85 * fed < got <= 0.9 * fed + 1e-12
    assert out.outlets["residue"][0, db.index["NCM811(s)"]] == inlets["feed"][0, db.index["NCM811(s)"]]
    assert residual(planner, inlets, out) < 1e-12


@pytest.mark.parametrize("species", ["LiBH4", "LGPS", "LATP"])
def test_regeneration_reports_what_it_cannot_treat(planner, species):
    db = planner.db
    inlets = {"feed": feed_of(planner, {species: 1.0})}
    out = run_step(planner, "regenerate_sse", inlets)
    assert not out.outlets["electrolyte"].any()
    assert any("not regenerated" in n for n in out.notes)
    assert out.outlets["residue"][0, db.index[db.resolve(species, "t")]] == inlets["feed"][0, db.index[db.resolve(species, "t")]]


def test_halide_overheated_releases_hcl(planner):
    db = planner.db
    inlets = {"feed": feed_of(planner, {"Li3InCl6": 1.0})}
    cool = run_step(planner, "regenerate_sse", inlets, dehydration_temperature="120 degC")
    hot = run_step(planner, "regenerate_sse", inlets, dehydration_temperature="200 degC")
    hcl = db.index["HCL"]
    assert hot.outlets["off_gas"][0, hcl] == pytest.approx(100 * cool.outlets["off_gas"][0, hcl], rel=1e-9)
    assert any("HCl" in n for n in hot.notes)


def test_residual_li_reacts_with_the_dissolution_solvent(planner):
    db = planner.db
    inlets = {"feed": feed_of(planner, {"Li6PS5Cl": 1.0, "Li": 0.1})}
    out = run_step(planner, "regenerate_sse", inlets)
    # 0.1 kg Li -> 7.2 mol H2 (72.0 mol/kg)
    assert out.outlets["off_gas"][0, db.index["H2"]] == pytest.approx(7.2, rel=0.01)


def test_relithiation_restores_the_cathode(planner):
    db = planner.db
    inlets = {"feed": feed_of(planner, {"Ni0.8Co0.1Mn0.1O2": 1.0, "C": 0.1})}
    out = run_step(planner, "relithiate_cathode", inlets, recovery="1")
    n = inlets["feed"][0, db.index["Ni0.8Co0.1Mn0.1O2(s)"]]
    assert out.outlets["cathode"][0, db.index["NCM811(s)"]] == pytest.approx(n)
    assert out.reagents[0, db.index["LiOH(s)"]] == pytest.approx(1.05 * n)
    assert out.outlets["off_gas"][0, db.index["O2"]] == pytest.approx(n / 4)
    assert residual(planner, inlets, out) < 1e-12


def test_lime_scrubbing_and_acid_stage(planner):
    db = planner.db
    gas = feed_of(planner, {"HCL": 1.0, "SO2": 1.0, "NH3": 1.0})
    lime = run_step(planner, "scrub", {"gas": gas}, reagent="CaOH2", removal="1", caustic_excess="1")
    # Hand calculation: Ca(OH)2 74.09 g/mol; HCl 36.46 -> 1.016 kg/kg; SO2 64.07 -> 1.156 kg/kg.
    caoh2 = lime.reagents[0, db.index["CaO2H2(s)"]] * db.molar_mass[db.index["CaO2H2(s)"]]
    assert caoh2 == pytest.approx(74.09 / 2 / 36.46 + 74.09 / 64.07, rel=1e-3)
    assert lime.outlets["clean_gas"][0, db.index["NH3"]] == pytest.approx(gas[0, db.index["NH3"]])
    acid = run_step(planner, "acid_scrub", {"gas": gas}, removal="0.98")
    assert acid.outlets["clean_gas"][0, db.index["NH3"]] == pytest.approx(0.02 * gas[0, db.index["NH3"]])
    assert residual(planner, {"gas": gas}, acid) < 1e-12


def test_per_gas_removal_efficiency(planner):
    db = planner.db
    gas = feed_of(planner, {"HCL": 1.0, "SO2": 1.0})
    out = run_step(planner, "scrub", {"gas": gas}, removal="0.95", removal_by_gas="HCL: 0.999")
    left = out.outlets["clean_gas"][0]
    assert left[db.index["HCL"]] == pytest.approx(0.001 * gas[0, db.index["HCL"]])   # DOMAIN.md 7: > 99.9 %
    assert left[db.index["SO2"]] == pytest.approx(0.05 * gas[0, db.index["SO2"]])
    from recycle.errors import InputError
    with pytest.raises(InputError, match="unknown gas 'HCl'; did you mean 'HCL'"):
        run_step(planner, "scrub", {"gas": gas}, removal_by_gas="HCl: 0.99")
    with pytest.raises(InputError, match="not a fraction"):
        run_step(planner, "scrub", {"gas": gas}, removal_by_gas="HCL: 1.5")


def test_li_in_anode_discharges_and_a_short_anode_is_reported(planner):
    """LIC-NCM811-LIIN: the charge sits in LiIn; discharging frees In and relithiates NCM811.
    CELLS.md: NCM vs Li-In 3.18 V nominal (about 0.6 V below Li)."""
    db = planner.db
    cell = planner.catalogue["LIC-NCM811-LIIN"]
    bom = cell.bill_of_materials(0.5, db)
    assert bom.get("Li(cr)", 0.0) == 0.0 and bom["LiIn(s)"] > 0
    inlets = {"cells": feed_of(planner, bom)}
    out = run_step(planner, "discharge", inlets)
    assert out.outlets["cells"][0, db.index["Ni0.8Co0.1Mn0.1O2(s)"]] == pytest.approx(0.0, abs=1e-12)
    assert out.quantities["energy_dissipated"][0][0] > 0
    assert out.quantities["voltage_discharge_NCM811_LiIn"][0][0] == pytest.approx(3.18, abs=0.4)
    assert residual(planner, inlets, out) < 1e-12
    short = {"cells": feed_of(planner, {"Ni0.8Co0.1Mn0.1O2": 1.0, "Li": 0.01})}
    assert any("not fully discharged" in n for n in run_step(planner, "discharge", short).notes)


def test_quench_buys_only_the_make_up_of_its_solvent(planner):
    """1 kg Li: 144.1 mol ethanol react; the vessel holds 3x, 90 % of the unreacted 288.2 mol is
    reused: bought = 144.1 + 0.1 x 288.2 = 172.9 mol (hand calculation)."""
    db = planner.db
    out = run_step(planner, "quench", {"feed": feed_of(planner, {"Li": 1.0})}, excess="3", solvent_recovery="0.9")
    assert out.reagents[0, db.index["C2H5OH(L)"]] == pytest.approx(1000 / 6.94 * 1.2, rel=1e-3)
    assert out.quantities["solvent_circulated"][0][0] == pytest.approx(3 * 1000 / 6.94 * 0.046069, rel=1e-3)
    from recycle.errors import InputError
    with pytest.raises(InputError, match="expected a number >= 1"):
        run_step(planner, "quench", {"feed": feed_of(planner, {"Li": 1.0})}, excess="0.5")


def test_li_metal_in_hydrothermal_relithiation_gives_h2(planner):
    db = planner.db
    inlets = {"feed": feed_of(planner, {"Ni0.8Co0.1Mn0.1O2": 1.0, "Li": 0.1})}
    out = run_step(planner, "relithiate_cathode", inlets)
    assert out.outlets["off_gas"][0, db.index["H2"]] == pytest.approx(7.2, rel=0.01)     # 72.0 mol/kg Li
    assert any("hydrothermal" in n for n in out.notes)
    assert residual(planner, inlets, out) < 1e-12


def test_per_gas_settings_add_to_the_defaults(planner):
    """Setting SO2 keeps the default HCl 99.9 % (README advises --set scrub.removal_by_gas=SO2: 0.9999)."""
    db = planner.db
    gas = feed_of(planner, {"HCL": 1.0, "SO2": 1.0})
    out = run_step(planner, "scrub", {"gas": gas}, removal_by_gas="SO2: 0.9999")
    left = out.outlets["clean_gas"][0]
    assert left[db.index["HCL"]] == pytest.approx(0.001 * gas[0, db.index["HCL"]])
    assert left[db.index["SO2"]] == pytest.approx(0.0001 * gas[0, db.index["SO2"]])
