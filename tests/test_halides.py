"""Bromide and iodide chemistries (issue 19): the argyrodites Li6PS5Br and Li6PS5I, LiI-doped
Li3PS4, a yttrium halide cell, and HBr, HI, Br2 and I2 from gas generation to the stack."""
from __future__ import annotations

import pytest
from conftest import bom_inventory

from recycle.flowsheet import build_route


def test_the_catalogue_holds_twelve_cells_with_bromide_iodide_and_a_second_halide(planner):
    cat = planner.catalogue
    assert len(cat) >= 12
    bom = {cid: cell.bill_of_materials(0.0, planner.db) for cid, cell in cat.items()}
    assert any("Li6PS5Br(s)" in b for b in bom.values()) and any("Li6PS5I(s)" in b for b in bom.values())
    assert any("LiI(s)" in b and "Li3PS4(s)" in b for b in bom.values())
    assert any(cell.family == "halide" and "Li3InCl6(s)" not in bom[cid] for cid, cell in cat.items())


@pytest.mark.parametrize("gas, naoh_per_kg", [
    ("HBr", 39.997 / 80.912),          # HBr + NaOH -> NaBr + H2O
    ("HI", 39.997 / 127.912),          # HI + NaOH -> NaI + H2O
    ("Br2", 2 * 39.997 / 159.808),     # 3 Br2 + 6 NaOH -> 5 NaBr + NaBrO3 + 3 H2O
    ("I2", 2 * 39.997 / 253.809),      # 3 I2 + 6 NaOH -> 5 NaI + NaIO3 + 3 H2O
])
def test_the_caustic_scrubber_takes_up_bromine_and_iodine_gases(planner, gas, naoh_per_kg):
    """Caustic demand by hand from the reactions (molar masses in g/mol), all of the gas
    absorbed and the caustic fed at the exact demand."""
    db = planner.db
    route = build_route("scrub", {"description": "test", "steps": {"s": {"type": "scrub", "caustic_excess": 1.0,
                                                                         "removal_by_gas": f"{gas}: 1.0"}},
                                  "edges": [{"from": "feed", "to": "s.gas"}, {"from": "s.clean_gas", "to": "stack"},
                                            {"from": "s.brine", "to": "waste:brine"}]}, "test")
    result = planner.plan(bom_inventory(planner, {gas: 1.0, "N2": 5.0}), route, basis="6 kg")
    step = result.steps["s"]
    naoh = step.reagents[0, db.index["NaOH(a)"]] * db.molar_mass[db.index["NaOH(a)"]]
    assert naoh == pytest.approx(naoh_per_kg, rel=1e-3)
    assert step.outlets["clean_gas"][0, db.index[gas]] < 1e-12


def test_the_iodide_cell_releases_its_iodine_at_the_stack_only_as_the_permit_check_sees_it(planner):
    """Pyrometallurgy of the iodide argyrodite cell: the iodine leaves the smelter as HI and I2,
    the scrubber takes them up, and the audit's permit table lists HI (with I2 as 2 HI)."""
    result = planner.plan(planner.cell_inventory("LPSI-LCO-LI", 0.1), "pyrometallurgy", "10 t/day")
    db = result.db
    smelt_gas = result.steps["smelt"].outlets["off_gas"][0]
    iodine_in = db.element_totals(result.feed[0])[db.elements.index("I")]
    iodine_gas = smelt_gas[db.index["HI"]] + 2 * smelt_gas[db.index["I2"]]
    assert iodine_gas == pytest.approx(iodine_in, rel=1e-6)          # no iodide slag or fume is modelled
    from recycle.audit import audit

    permit = audit(result, permit_region="EU").permit
    assert any(line.pollutant == "HI" for line in permit.lines)


def test_a_perchlorate_polymer_cell_plans_and_its_exotherm_onset_is_known(planner, db):
    """PEO-LiClO4 (Luo 2024 section 2.1.2: LiClO4 accelerates PEO decomposition, strong exothermic
    combustion around 347 C): the salt dissolves in water as LiClO4(aq) (NBS -407.82 kJ/mol, so
    -26.8 kJ/mol of solution against NBS LiClO4(cr) -381.00) and the safety index watches the
    347 C onset wherever PEO meets LiClO4."""
    i = db.index["LiClO4(s)"]
    assert (db.enthalpy_aqueous(298.15)[i] - db.enthalpy(298.15)[i]) / 1000 == pytest.approx(-407.823 + 381.00, abs=1e-6)
    result = planner.plan(planner.cell_inventory("PEOCLO4-LFP-LI", 0.0), "hydrometallurgy")
    assert result.max_relative_element_residual() < 1e-9
    onsets = db.data("safety.yaml")
    text = str(onsets)
    assert "peo_perchlorate_exotherm" in text and "347 degC" in text


@pytest.mark.parametrize("salt", ["LiBr", "LiI", "LiClO4"])
def test_soluble_alkali_salts_leave_the_leach_dissolved(planner, salt):
    """LiBr (166 g/100 g water), LiI (165) and LiClO4 (60) dissolve (CRC solubilities, U): the leach
    must send their Li to the leachate, not to the residue as undissolved solids."""
    from conftest import bom_inventory

    db = planner.db
    result = planner.plan(bom_inventory(planner, {salt: 1.0}), "hydrometallurgy", basis="1 kg",
                          overrides={"receive": {"damaged_fraction": "0", "damaged_fraction_worst": "0"}})
    leach = result.steps["leach"]
    li = db.element_matrix[db.elements.index("Li")]
    assert leach.outlets["leachate"][0] @ li == pytest.approx(leach.inlet[0] @ li, rel=1e-9)
    assert leach.outlets["residue"][0] @ li == pytest.approx(0.0, abs=1e-12)
