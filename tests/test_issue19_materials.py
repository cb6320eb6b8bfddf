"""The remaining materials and options of issue 19: Li3YBr6 (a bromide halide electrolyte) with
YBr3 and HBr(aq), each number checked against its source or a hand calculation."""
from __future__ import annotations

import math

import pytest

KJ = 1000.0
N_A = 6.02214076e23


def _h0(db, name):
    return db.enthalpy(298.15)[db.index[name]] / KJ          # kJ/mol


def _thermo(db, name):
    return db.cantera_species[db.index[name]].thermo


# --- Li3YBr6 -----------------------------------------------------------------------------------

def test_ybr3_and_li3ybr6_enthalpies_are_the_stated_estimates(db):
    """YBr3 -840 kJ/mol (S: between measured HoBr3 -842.1 and TbBr3 -839.1, Bettonville et al.
    1987); Li3YBr6 = 3 LiBr (NBS -351.213) + YBr3 - 10 kJ/mol (as Li3YCl6)."""
    assert _h0(db, "YBr3(s)") == pytest.approx(-840.0, abs=1e-6)
    assert -842.1 <= _h0(db, "YBr3(s)") <= -839.1
    assert _h0(db, "LiBr(s)") == pytest.approx(-351.213, abs=1e-6)
    assert _h0(db, "Li3YBr6(s)") == pytest.approx(3 * -351.213 - 840.0 - 10.0, abs=0.05)


def test_li3ybr6_entropy_and_heat_capacity_are_neumann_kopp_sums(db):
    """S: 3 x 74.27 (NBS LiBr) + 182 (YBr3, S) = 404.8; Cp: 3 x 48.919 (JANAF) + 100 = 246.8."""
    t = _thermo(db, "Li3YBr6(s)")
    assert t.s(298.15) / KJ == pytest.approx(3 * 74.27 + 182.0, abs=0.05)
    assert t.cp(298.15) / KJ == pytest.approx(3 * 48.919 + 100.0, abs=0.05)
    # YBr3 S: DyBr3 212.3 - R ln 16 - 1.5 R ln(162.50/88.906)
    R = 8.314462618
    assert _thermo(db, "YBr3(s)").s(298.15) / KJ == pytest.approx(
        212.3 - R * math.log(16) - 1.5 * R * math.log(162.50 / 88.906), abs=0.5)


def test_li3ybr6_density_from_the_li3erbr6_cell(db):
    """Z = 2 formula units of 589.15 g/mol in the Li3ErBr6 cell (Bohnsack et al. 1997):
    a 6.890, b 11.916, c 6.842 A, beta 109.77 deg."""
    a, b, c, beta = 6.890e-8, 11.916e-8, 6.842e-8, math.radians(109.77)
    volume = a * b * c * math.sin(beta)                        # cm^3
    molar = db.molar_mass[db.index["Li3YBr6(s)"]] * 1000.0   # g/mol
    assert molar == pytest.approx(3 * 6.94 + 88.906 + 6 * 79.904, abs=0.05)
    rho = 2 * molar / (N_A * volume)                           # g/cm^3
    assert rho == pytest.approx(3.70, abs=0.01)
    assert db.density[db.index["Li3YBr6(s)"]] / 1000.0 == pytest.approx(rho, abs=0.01)
    # YBr3 on the molar volume of TbBr3 (398.64 g/mol / 4.62 g/cm3)
    assert db.density[db.index["YBr3(s)"]] / 1000.0 == pytest.approx(
        db.molar_mass[db.index["YBr3(s)"]] * 1000.0 / (398.64 / 4.62), abs=0.02)


def test_ycl3_enthalpy_in_li3ycl6_is_the_nbs_value(db):
    """NBS 1982 YCl3(cr) -1000.0 kJ/mol: Li3YCl6 = 3 LiCl (Cantera nasa_condensed) - 1000 - 10."""
    assert _h0(db, "YCl3(s)") == pytest.approx(-1000.0, abs=1e-6)
    assert _h0(db, "Li3YCl6(s)") == pytest.approx(3 * _h0(db, "LiCL(s)") - 1000.0 - 10.0, abs=0.05)


def test_dissolved_ybr3_and_hbr_are_the_nbs_ion_sums(db):
    """NBS 1982: Y3+(ao) -723.4 kJ/mol, -251 J/mol/K; Br-(ao) -121.55, 82.4; HBr(ai) the same as
    Br- (H+ is zero by convention)."""
    aq = db.enthalpy_aqueous(298.15)
    assert aq[db.index["YBr3(s)"]] / KJ == pytest.approx(-723.4 + 3 * -121.55, abs=1e-6)
    assert aq[db.index["HBr(aq)"]] / KJ == pytest.approx(-121.55, abs=1e-6)
    # heat of solution of YBr3 (estimated solid): about -248 kJ/mol, as strongly exothermic as YCl3's
    assert (aq[db.index["YBr3(s)"]] - db.enthalpy(298.15)[db.index["YBr3(s)"]]) / KJ == pytest.approx(-248.05, abs=1e-6)


def test_the_bromide_halide_cell_is_in_the_catalogue_and_plans_everywhere(planner):
    cat = planner.catalogue
    assert "LYB-NCM811-LIIN" in cat
    bom = cat["LYB-NCM811-LIIN"].bill_of_materials(0.0, planner.db)
    assert "Li3YBr6(s)" in bom and cat["LYB-NCM811-LIIN"].family == "halide"
    for route in ("direct-regeneration", "hybrid", "hydrometallurgy", "pyrometallurgy"):
        result = planner.plan(planner.cell_inventory("LYB-NCM811-LIIN", 0.0), route)
        assert result.max_relative_element_residual() < 1e-9


def test_smelting_the_bromide_halide_cell_sends_its_bromine_to_the_scrubber(planner):
    """All Br fed to the smelter leaves it as HBr and Br2 (no bromide slag or fume is modelled) and the
    caustic scrubber takes up nearly all of it."""
    result = planner.plan(planner.cell_inventory("LYB-NCM811-LIIN", 0.0), "pyrometallurgy")
    db = result.db
    gas = result.steps["smelt"].outlets["off_gas"][0]
    br_in = db.element_totals(result.steps["smelt"].inlet[0])[db.elements.index("Br")]
    # nearly all the cell's bromine reaches the smelter (a little leaves as HBr at receiving)
    assert br_in == pytest.approx(db.element_totals(result.feed[0])[db.elements.index("Br")], rel=1e-3)
    assert gas[db.index["HBr"]] + 2 * gas[db.index["Br2"]] == pytest.approx(br_in, rel=1e-6)
    scrub = [s for s in result.steps.values() if s.type == "scrub"]
    assert scrub
    clean = sum(s.outlets["clean_gas"][0] for s in scrub)
    left = clean[db.index["HBr"]] + 2 * clean[db.index["Br2"]]
    assert left < 0.05 * br_in


def test_li_metal_ground_with_li3ybr6_reduces_it(planner):
    """3 Li + Li3YBr6 -> 6 LiBr + Y: the shredder's contact reaction is in the data."""
    r = planner.reactions["li_Li3YBr6"]
    assert "Li3YBr6(s)" in r.equation and "Y(cr)" in r.equation
    db = planner.db
    dh = (6 * _h0(db, "LiBr(s)") + 0.0) - (_h0(db, "Li3YBr6(s)") + 0.0)
    assert dh == pytest.approx(6 * -351.213 - (3 * -351.213 - 850.0), abs=0.05)   # -203.6 kJ
    assert dh < 0
