"""The heat capacities of the dissolved states (chemistry/aqueous_hkf.yaml) are what the HKF
equation of state gives for each solute's ions, and each solute's ions make up the solute.

The file is written by tools/build_aqueous_hkf.py with pychnosz (CHNOSZ/OBIGT); these tests
rebuild it and compare, so a stale or hand-edited file fails.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pychnosz
import pytest

from recycle.yamlio import load_yaml_file

ROOT = Path(__file__).resolve().parents[1]


def _builder():
    spec = importlib.util.spec_from_file_location("build_aqueous_hkf", ROOT / "tools" / "build_aqueous_hkf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rebuilt():
    return _builder().build()


def test_the_shipped_fit_is_what_the_builder_writes(db, rebuilt):
    shipped = load_yaml_file(db.directory / "aqueous_hkf.yaml")["solutes"]
    assert set(shipped) == set(rebuilt["solutes"])
    for name, entry in rebuilt["solutes"].items():
        assert shipped[name]["ions"] == entry["ions"], name
        assert shipped[name]["cp_low"] == pytest.approx(entry["cp_low"], rel=1e-8), name
        assert shipped[name]["cp_high"] == pytest.approx(entry["cp_high"], rel=1e-8), name


def test_every_fit_stays_within_200_j_per_mol_of_hkf_from_0_to_250_c(rebuilt):
    """The anchored two-range quartic reproduces HKF's H(T) - H(25 C) to 0.2 kJ/mol: under
    0.1 % of the step heats it feeds (a leach releases ~4 MJ per kg of NCM811)."""
    worst = max(entry["max_h_error"] for entry in rebuilt["solutes"].values())
    assert worst < 200.0


def test_every_solute_is_made_of_its_ions(db):
    """Each solute's ions (and the water a hydrolysed salt takes) hold its elements and no charge."""
    pychnosz.reset(messages=False)
    solutes = load_yaml_file(db.directory / "aqueous.yaml")["solutes"]
    for name, entry in solutes.items():
        total: dict[str, float] = {}
        for ion, count in entry["ions"].items():
            for element, n in pychnosz.makeup(ion).items():
                total[element] = total.get(element, 0.0) + count * n
        charge = total.pop("Z", 0.0)
        assert charge == pytest.approx(0.0, abs=1e-12), name
        composition = {e.upper(): n for e, n in db.cantera_species[db.index[name]].composition.items()}
        assert {e.upper(): n for e, n in total.items() if abs(n) > 1e-12} == pytest.approx(composition), name


def test_heat_capacity_at_25_c_agrees_with_nbs_where_nbs_measured_it(db):
    """HKF's Cp at 298.15 K against the NBS Cp of the same salt (quality E in aqueous.yaml):
    within 45 J/mol/K. The two are independent evaluations: the largest gaps are the Mn2+ salts
    (MnSO4 -243 NBS vs -282 HKF, MnCl2 -222 vs -261: Mn+2 of Shock et al. 1997 against NBS) and
    H2SO4 (-293 vs -266); 40 J/mol/K over a 70 K heat-up is 2.8 kJ/mol, under 0.3 % of the
    solutes' formation enthalpies."""
    solutes = load_yaml_file(db.directory / "aqueous.yaml")["solutes"]
    for name, entry in solutes.items():
        if entry["quality"]["cp0"] != "E":
            continue
        nbs = float(str(entry["cp0"]).split()[0])
        hkf = db.aqueous[db.index[name]].cp(298.15) / 1000.0
        assert hkf == pytest.approx(nbs, abs=45.0), name
