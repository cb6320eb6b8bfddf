"""The smelt step against hand calculations: element routing, partitions, gases, enthalpy."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import feed_of

from recycle.errors import InputError
from recycle.steps.smelt import Smelt

R = 8.314462618  # J/(mol K)

RICH_FEED_KG = {  # every family of DOMAIN.md section 1, plus quench products
    "NCM811(s)": 2.0, "Ni0.8Co0.1Mn0.1O2(s)": 0.2, "LiCoO2(s)": 0.3, "LiFePO4(s)": 0.4, "TiS2(s)": 0.1,
    "Li3PS4(s)": 0.1, "Li7P3S11(s)": 0.1, "Li6PS5Cl(s)": 0.3, "Li10GeP2S12(s)": 0.1,
    "Li7La3Zr2O12(s)": 0.3, "LATP(s)": 0.1, "LAGP(s)": 0.1, "Li3InCl6(s)": 0.2, "Li3YCl6(s)": 0.1,
    "LiBH4(s)": 0.05, "Li9N2Cl3(s)": 0.05, "Li3N(s)": 0.02, "PEO(s)": 0.2, "LiTFSI(s)": 0.07,
    "LiPF6(s)": 0.02, "Li(cr)": 0.1, "LiIn(s)": 0.1, "In(cr)": 0.3, "C(gr)": 0.8, "PVDF(s)": 0.1,
    "PP(s)": 0.15, "AL(cr)": 0.3, "Cu(cr)": 0.4, "LiOC2H5(s)": 0.05, "Li2CO3(s)": 0.05,
}


def smelt(planner, feed, **params):
    return Smelt("smelt", params, "test").run({"feed": feed}, planner.context(False))


def total_out(out):
    return sum(out.outlets.values())


def amount(out, port, db, name):
    return out.outlets[port][:, db.index[name]]


@pytest.mark.parametrize("oxidant", ["oxygen", "air"])
def test_rich_feed_conserves_every_element_exactly(planner, db, oxidant):
    # E (out - feed - reagents) = 0 for every element, on two batch rows (the second doubled).
    feed = np.vstack([feed_of(planner, RICH_FEED_KG)] * 2)
    feed[1] *= 2
    out = smelt(planner, feed, oxidant=oxidant)
    residual = db.element_totals(total_out(out) - feed - out.reagents)
    scale = db.element_totals(feed + out.reagents).max(axis=1)
    assert np.all(np.abs(residual).max(axis=1) <= 1e-12 * scale)
    for amounts in list(out.outlets.values()) + [out.reagents]:
        assert amounts.min() >= -1e-12
    # linear in the feed: the doubled row gives twice everything
    assert total_out(out)[1] == pytest.approx(2 * total_out(out)[0], rel=1e-12)
    # dead Li is oxidised (DOMAIN.md section 4): no metallic Li or Li alloy leaves
    for name in ("Li(cr)", "Li(L)", "LiIn(s)"):
        assert total_out(out)[:, db.index[name]].max() == 0
    # alloy holds only alloy species, off-gas only gases and the LiCl fume
    fume = np.array(db.names) == "LiCL(s)"
    assert np.all(out.outlets["off_gas"][:, ~db.is_gas & ~fume] == 0)
    # no Cl2 from a chloride feed, no free O2 beside metal in the alloy
    assert out.outlets["off_gas"][:, db.index["CL2"]].max() == 0
    assert not np.any((out.outlets["off_gas"][:, db.index["O2"]] > 0) & (out.outlets["alloy"].sum(axis=1) > 0))
    assert np.all(out.outlets["slag"][:, db.is_gas] == 0)


def test_li6ps5cl_sulfur_leaves_as_five_so2(planner, db):
    # Hand calculation: Li6PS5Cl has 5 S per formula unit -> 1 mol gives 5 mol SO2; P takes 3 Li
    # as Li3PO4, the Cl one Li as LiCl fume (not Cl2: Li2O + Cl2 -> 2 LiCl + 1/2 O2 releases
    # ~219 kJ), the other 2 Li give 1 Li2O.
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["Li6PS5Cl(s)"]] = 1.0
    out = smelt(planner, feed, coke=0)
    assert amount(out, "off_gas", db, "SO2")[0] == pytest.approx(5.0, rel=1e-12)
    s = db.elements.index("S")
    assert db.element_totals(out.outlets["slag"] + out.outlets["alloy"])[0, s] == 0
    assert amount(out, "off_gas", db, "CL2")[0] == 0
    assert amount(out, "off_gas", db, "LiCL(s)")[0] == pytest.approx(1.0, rel=1e-12)
    assert amount(out, "slag", db, "Li3PO4(s)")[0] == pytest.approx(1.0, rel=1e-12)
    assert amount(out, "slag", db, "Li2O(s)")[0] == pytest.approx(1.0, rel=1e-12)
    # O: 5 SO2 (10) + Li3PO4 (4) + 1 Li2O (1) = 15 O = 7.5 O2 blown
    assert out.reagents[0, db.index["O2"]] == pytest.approx(7.5, rel=1e-12)
    assert any("SO2" in n for n in out.notes) and any("LiCl fume" in n for n in out.notes)


def test_alloy_and_slag_follow_the_set_partition(planner, db):
    # Hand calculation: 1 mol LiNi0.8Co0.1Mn0.1O2 + 1 mol Cu + 1 mol Al, Ni/Co/Cu to alloy
    # at 0.90/0.95/0.85: alloy Ni 0.72, Co 0.095, Cu 0.85; slag NiO 0.08, CoO 0.005,
    # Cu2O 0.075, MnO 0.1 (Mn to slag), Li2O 0.5, Al2O3 0.5.
    feed = np.zeros((1, db.n_species))
    for name in ("NCM811(s)", "Cu(cr)", "AL(cr)"):
        feed[0, db.index[name]] = 1.0
    out = smelt(planner, feed, nickel_to_alloy=0.9, cobalt_to_alloy=0.95, copper_to_alloy=0.85)
    expected = {("alloy", "Ni[alloy](L)"): 0.72, ("alloy", "Co[alloy](L)"): 0.095,
                ("alloy", "Cu[alloy](L)"): 0.85, ("slag", "NiO(s)"): 0.08, ("slag", "CoO(s)"): 0.005,
                ("slag", "Cu2O[slag](L)"): 0.075, ("slag", "MnO[slag]"): 0.1,
                ("slag", "Li2O(s)"): 0.5, ("slag", "AL2O3(a)"): 0.5}
    for (port, name), mol in expected.items():
        assert amount(out, port, db, name)[0] == pytest.approx(mol, rel=1e-12), name
    for element in ("Li", "Al", "Mn"):
        e = db.elements.index(element)
        assert db.element_totals(out.outlets["alloy"])[0, e] == 0, element


def test_carbon_leaves_as_co2_and_co(planner, db):
    # Hand calculation: 1 kg graphite (83.26 mol C) + 0.026 kg coke (2.165 mol C) = 85.42 mol
    # C; co_fraction 0.3 -> 25.63 mol CO and 59.80 mol CO2; no carbon stays in alloy or slag.
    feed = feed_of(planner, {"C(gr)": 1.0})
    out = smelt(planner, feed, co_fraction=0.3)
    carbon = (1.0 + 0.026) / 0.012011  # Cantera's atomic weight of C
    assert carbon == pytest.approx(85.42, rel=1e-3)
    assert amount(out, "off_gas", db, "CO")[0] == pytest.approx(0.3 * carbon, rel=1e-9)
    assert amount(out, "off_gas", db, "CO2")[0] == pytest.approx(0.7 * carbon, rel=1e-9)
    c = db.elements.index("C")
    assert db.element_totals(out.outlets["slag"] + out.outlets["alloy"])[0, c] == 0


def test_polymer_burns_to_co_co2_and_water(planner, db):
    # PEO repeat unit C2H4O: 1 mol gives 2 mol C (CO + CO2) and 2 mol H2O.
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["PEO(s)"]] = 1.0
    out = smelt(planner, feed, coke=0)
    co = amount(out, "off_gas", db, "CO")[0] + amount(out, "off_gas", db, "CO2")[0]
    assert co == pytest.approx(2.0, rel=1e-12)
    assert amount(out, "off_gas", db, "H2O")[0] == pytest.approx(2.0, rel=1e-12)


def test_chlorine_leaves_as_hcl_when_hydrogen_suffices(planner, db):
    # Hand calculation: 1 mol Li3InCl6 with 2 mol PP (C3H6: 12 mol H): the 3 Li take 3 Cl as
    # LiCl fume, the other 3 Cl take H as 3 HCl, no Cl2; 9 mol H left -> 4.5 mol H2O.
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["Li3InCl6(s)"]] = 1.0
    feed[0, db.index["PP(s)"]] = 2.0
    out = smelt(planner, feed)
    assert amount(out, "off_gas", db, "LiCL(s)")[0] == pytest.approx(3.0, rel=1e-12)
    assert amount(out, "off_gas", db, "HCL")[0] == pytest.approx(3.0, rel=1e-12)
    assert amount(out, "off_gas", db, "CL2")[0] == 0
    assert amount(out, "off_gas", db, "H2O")[0] == pytest.approx(4.5, rel=1e-12)


def test_chloride_without_hydrogen_is_bound_as_cacl2_not_cl2(planner, db):
    # Hand calculation: 1 mol Li3InCl6 alone, no coke: 3 LiCl fume, 3 Cl left and no H:
    # 1.5 CaCl2 with 1.5 mol CaO added as lime; no Cl2 (issue 14: 0.61 kg Cl2/kg before).
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["Li3InCl6(s)"]] = 1.0
    out = smelt(planner, feed, coke=0)
    assert amount(out, "off_gas", db, "CL2")[0] == 0
    assert amount(out, "slag", db, "CaCL2(s)")[0] == pytest.approx(1.5, rel=1e-12)
    assert out.reagents[0, db.index["CaO(s)"]] == pytest.approx(1.5, rel=1e-12)


def test_fluorine_without_hydrogen_goes_to_lif_then_caf2_with_lime(planner, db):
    # Hand calculation: LiTFSI = LiC2F6NO4S2, no H: 1 F binds the Li as LiF, 5 F need
    # 2.5 CaF2, so 2.5 mol CaO is added; S -> 2 SO2, N -> 0.5 N2.
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["LiTFSI(s)"]] = 1.0
    out = smelt(planner, feed, coke=0)
    assert amount(out, "slag", db, "LiF[slag](L)")[0] == pytest.approx(1.0, rel=1e-12)
    assert amount(out, "slag", db, "CaF2(a)")[0] == pytest.approx(2.5, rel=1e-12)
    assert out.reagents[0, db.index["CaO(s)"]] == pytest.approx(2.5, rel=1e-12)
    assert amount(out, "off_gas", db, "SO2")[0] == pytest.approx(2.0, rel=1e-12)
    assert amount(out, "off_gas", db, "N2")[0] == pytest.approx(0.5, rel=1e-12)
    assert amount(out, "off_gas", db, "HF")[0] == 0


def test_melting_copper_duty_matches_cea_liquid(planner, db):
    # Hand calculation: CEA thermo.inp Cu(L): H(T) = R (3.944910764 T - 211.1013775), so
    # H(1723.15 K) = 54.76 kJ/mol above Cu(cr) at 298.15 K (H = 0); 1 kg Cu = 15.737 mol
    # -> 0.8618 MJ to melt and heat it. No oxygen is needed, so none is blown.
    feed = feed_of(planner, {"Cu(cr)": 1.0})
    out = smelt(planner, feed, coke=0, copper_to_alloy=1)
    h_mol = R * (3.944910764 * 1723.15 - 211.1013775)
    assert h_mol == pytest.approx(54.76e3, rel=1e-4)
    assert out.quantities["enthalpy_duty"][0][0] == pytest.approx(1.0 / 0.063546 * h_mol, rel=1e-9)
    assert out.quantities["enthalpy_duty"][0][0] == pytest.approx(0.8618e6, rel=1e-3)
    assert out.utilities["heat"][0] == out.quantities["enthalpy_duty"][0][0]
    assert out.reagents[0, db.index["O2"]] == 0
    assert not any("do not reach" in n for n in out.notes)


def test_burning_graphite_is_autothermal(planner, db):
    # C + O2 -> CO2 releases 393.5 kJ/mol (NASA CO2 h_f), far more than heating CO2 to
    # 1723 K takes (~80 kJ/mol): the duty is negative and a note says so.
    feed = feed_of(planner, {"C(gr)": 1.0})
    out = smelt(planner, feed, co_fraction=0)
    assert out.quantities["enthalpy_duty"][0][0] < 0
    assert out.utilities["heat"][0] == 0
    assert any("autothermal" in n for n in out.notes)


def test_note_names_products_outside_their_thermo_range(planner, db):
    # Li3YCl6's Y leaves as Y2O3(s) (constant Cp to 800 K), below the 1723 K bath. LLZO's Zr
    # leaves as ZrO2(a), whose JANAF range stops at 1478 K: from there it is computed in
    # Cantera's next phase of ZrO2 (1478-2950 K), so it is not named.
    feed = feed_of(planner, {"Li7La3Zr2O12(s)": 1.0, "Li3YCl6(s)": 0.2, "PP(s)": 0.1})
    out = smelt(planner, feed)
    note = next(n for n in out.notes if "do not reach" in n)
    assert "Y2O3(s)" in note and "ZrO2(a)" not in note
    assert "La2O3[slag]" not in note  # Perry's Cp reaches 2273 K


def test_surplus_oxygen_oxidises_the_alloy_before_any_o2_leaves(planner, db):
    # Hand calculation: 1 mol LiCoO2, all Co to the alloy at first, no coke: 0.5 Li2O keeps
    # 0.5 O, 1.5 O are left: 1 O oxidises the 1 mol Co to CoO in the slag, and only the last
    # 0.5 O leaves as 0.25 mol O2, with no metal left in the alloy. Nothing is blown.
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["LiCoO2(s)"]] = 1.0
    out = smelt(planner, feed, coke=0, cobalt_to_alloy=1)
    assert amount(out, "alloy", db, "Co[alloy](L)")[0] == pytest.approx(0.0, abs=1e-12)
    assert amount(out, "slag", db, "CoO(s)")[0] == pytest.approx(1.0, rel=1e-12)
    assert amount(out, "off_gas", db, "O2")[0] == pytest.approx(0.25, rel=1e-12)
    assert out.reagents[0, db.index["O2"]] == 0
    assert any("more oxygen" in n for n in out.notes)
    # with 0.2 mol coke C (0.1 CO + 0.1 CO2 by co_fraction 0.5 needs 0.3 O): 1.2 O surplus burns
    # the 0.1 CO to CO2 first (0.1 O), oxidises the 1 Co (1 O), and 0.05 mol O2 leaves.
    coked = smelt(planner, feed, coke=0.2 * 12.011e-3 / db.mass(feed)[0], cobalt_to_alloy=1)
    assert amount(coked, "off_gas", db, "CO")[0] == pytest.approx(0.0, abs=1e-12)
    assert amount(coked, "off_gas", db, "CO2")[0] == pytest.approx(0.2, rel=1e-9)
    assert amount(coked, "off_gas", db, "O2")[0] == pytest.approx(0.05, rel=1e-9)


def test_unknown_parameter_is_an_input_error():
    with pytest.raises(InputError, match="nickel_to_alloy"):
        Smelt("smelt", {"nickel_to_aloy": 0.9}, "test")
