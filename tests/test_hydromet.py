"""Hydrometallurgy steps (leach, precipitate, treat_water) against hand calculations."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import feed_of

from recycle.steps.leach import Leach
from recycle.steps.precipitate import Precipitate, li2co3_solubility
from recycle.steps.treat_water import TreatWater

# Molar masses for the hand calculations (IUPAC atomic weights), g/mol.
M_NCM811 = 6.94 + 0.8 * 58.693 + 0.1 * 58.933 + 0.1 * 54.938 + 2 * 15.999   # 97.28
M_LCO = 6.94 + 58.933 + 2 * 15.999                                           # 97.87
M_LPSCL = 6 * 6.94 + 30.974 + 5 * 32.06 + 35.45                              # 268.36
M_H2SO4 = 2 * 1.008 + 32.06 + 4 * 15.999                                     # 98.07

RICH_FEED = {  # kg: a black mass with every family the leach has to handle
    "NCM811(s)": 1.0, "Ni0.8Co0.1Mn0.1O2(s)": 0.1, "LiCoO2(s)": 0.1, "CoO2(s)": 0.05,
    "LiFePO4(s)": 0.2, "FePO4(s)": 0.05, "TiS2(s)": 0.02, "LiTiS2(s)": 0.02,
    "Li6PS5Cl(s)": 0.1, "Li3PS4(s)": 0.05, "Li7P3S11(s)": 0.05, "Li10GeP2S12(s)": 0.05,
    "Li3InCl6(s)": 0.05, "Li7La3Zr2O12(s)": 0.05, "LATP(s)": 0.02, "Li2S(s)": 0.02,
    "Li3PO4(s)": 0.02, "LiCL(s)": 0.02, "LiOH(s)": 0.02, "LiOC2H5(s)": 0.02, "Li2CO3(s)": 0.02,
    "Li(cr)": 0.01, "LiIn(s)": 0.01, "C(gr)": 0.2, "PVDF(s)": 0.03, "AL(cr)": 0.05, "Cu(cr)": 0.05,
}


def leach(planner, feed, worst_case=(False,), **params):
    return Leach("leach", params, "test").run({"feed": feed}, planner.context(False, worst_case))


def leachate_of(db, amounts: dict[str, float]) -> np.ndarray:
    v = np.zeros((1, db.n_species))
    for name, n in amounts.items():
        v[0, db.index[name]] = n
    return v


def assert_conserved(db, inlet, outcome):
    """Element balance: outlets = inlet + reagents, atom for atom, and nothing negative."""
    change = sum(outcome.outlets.values()) - inlet - outcome.reagents
    scale = np.abs(db.element_totals(inlet + outcome.reagents)).max()
    assert np.abs(db.element_totals(change)).max() <= 1e-12 * scale
    for port, amounts in outcome.outlets.items():
        assert amounts.min() >= -1e-12 * scale, port


@pytest.mark.parametrize("acid", ["H2SO4", "HCl"])
def test_every_step_conserves_elements_on_a_rich_feed(planner, acid):
    db = planner.db
    feed = np.vstack([feed_of(planner, RICH_FEED)] * 2)   # rows: expected, worst case
    ctx = planner.context(False, (False, True))
    out = Leach("leach", {"acid": acid}, "test").run({"feed": feed}, ctx)
    assert_conserved(db, feed, out)
    pre = Precipitate("p", {}, "test").run({"leachate": out.outlets["leachate"]}, ctx)
    assert_conserved(db, out.outlets["leachate"], pre)
    for water in (pre.outlets["brine"], out.outlets["leachate"]):
        assert_conserved(db, water, TreatWater("t", {}, "test").run({"water": water}, ctx))
    # The worst-case row evolves more HCl (hcl_evolution_worst 0.25 vs 0.05).
    hcl = out.outlets["off_gas"][:, db.index["HCL"]]
    assert hcl[1] > hcl[0] > 0


def test_unleached_species_go_to_the_residue_with_a_note(planner):
    db = planner.db
    feed = feed_of(planner, {"NCM811(s)": 1.0, "C(gr)": 0.2, "Li7La3Zr2O12(s)": 0.05})
    out = leach(planner, feed)
    residue = out.outlets["residue"][0]
    assert residue[db.index["C(gr)"]] == pytest.approx(feed[0, db.index["C(gr)"]], rel=1e-12)
    assert residue[db.index["Li7La3Zr2O12(s)"]] == pytest.approx(feed[0, db.index["Li7La3Zr2O12(s)"]], rel=1e-12)
    assert any("C(gr)" in n and "Li7La3Zr2O12(s)" in n for n in out.notes)


@pytest.mark.parametrize("acid", ["H2SO4", "HCl"])
def test_residual_li_gives_72_mol_h2_per_kg_in_acid(planner, acid):
    # Hand calculation (DOMAIN.md section 3): 1000 g / 6.94 g/mol = 144.1 mol Li -> 72.05 mol H2.
    db = planner.db
    out = leach(planner, feed_of(planner, {"Li": 1.0}), acid=acid)
    assert out.outlets["off_gas"][0, db.index["H2"]] == pytest.approx(72.0, abs=0.1)
    assert out.outlets["residue"][0, db.index["Li(cr)"]] == pytest.approx(0.0, abs=1e-12)


def test_sulfuric_acid_for_ncm811_matches_stoichiometry(planner):
    # 2 LiMO2 + 3 H2SO4 + H2O2 -> Li2SO4 + 2 MSO4 + 4 H2O + O2 (Mukai 2024):
    # 1000 g / 97.28 g/mol = 10.280 mol NCM811 -> 15.42 mol H2SO4 = 1.512 kg, 5.140 mol H2O2.
    db = planner.db
    out = leach(planner, feed_of(planner, {"NCM811(s)": 1.0}), oxide_leaching="1", acid_excess="1",
                h2o2_excess="1")
    n = 1000.0 / M_NCM811
    assert out.reagents[0, db.index["H2SO4(L)"]] == pytest.approx(1.5 * n, rel=1e-3)
    assert out.quantities["acid"][0][0] == pytest.approx(1.5 * n * M_H2SO4 / 1000, rel=1e-3)
    assert out.quantities["acid"][0][0] == pytest.approx(1.512, abs=0.002)
    assert out.reagents[0, db.index["H2O2(L)"]] == pytest.approx(0.5 * n, rel=1e-3)
    leachate = out.outlets["leachate"][0]
    assert leachate[db.index["NiSO4(s)"]] == pytest.approx(0.8 * n, rel=1e-3)
    assert leachate[db.index["Li2SO4(a)"]] == pytest.approx(0.5 * n, rel=1e-3)
    assert leachate[db.index["H2SO4(L)"]] == pytest.approx(0.0, abs=1e-9)  # no excess fed


def test_acid_excess_and_leaching_efficiency_scale_the_acid(planner):
    # 0.98 of 10.280 mol leached needs 1.5 x 10.074 = 15.11 mol; x 1.2 excess = 18.13 mol fed.
    db = planner.db
    out = leach(planner, feed_of(planner, {"NCM811(s)": 1.0}), oxide_leaching="0.98", acid_excess="1.2")
    n = 1000.0 / M_NCM811
    assert out.reagents[0, db.index["H2SO4(L)"]] == pytest.approx(1.2 * 1.5 * 0.98 * n, rel=1e-3)
    assert out.outlets["residue"][0, db.index["NCM811(s)"]] == pytest.approx(0.02 * n, rel=1e-3)
    assert out.outlets["leachate"][0, db.index["H2SO4(L)"]] == pytest.approx(0.2 * 1.5 * 0.98 * n, rel=1e-3)


def test_liquor_water_follows_the_solid_liquid_ratio(planner):
    # 1 kg solids at 100 g/L -> 10 L = 10 kg water = 555.1 mol (18.015 g/mol).
    db = planner.db
    out = leach(planner, feed_of(planner, {"C(gr)": 1.0}), solid_liquid_ratio="100 g/L")
    assert out.reagents[0, db.index["H2O(L)"]] == pytest.approx(10000 / 18.015, rel=1e-3)


@pytest.mark.parametrize("acid", ["H2SO4", "HCl"])
def test_li6ps5cl_in_acid_gives_h2s(planner, acid):
    # Li6PS5Cl -> 5 H2S in acid (4 from the PS4 unit, 1 from its Li2S; DOMAIN.md section 3):
    # 1000 g / 268.36 g/mol = 3.726 mol -> 18.63 mol H2S.
    db = planner.db
    out = leach(planner, feed_of(planner, {"Li6PS5Cl(s)": 1.0}), acid=acid)
    assert out.outlets["off_gas"][0, db.index["H2S"]] == pytest.approx(5 * 1000 / M_LPSCL, rel=1e-3)
    assert out.outlets["off_gas"][0, db.index["H2S"]] == pytest.approx(18.63, abs=0.02)
    assert any("H2S" in n for n in out.notes)


def test_hcl_leaching_of_lco_releases_cl2(planner):
    # 2 LiCoO2 + 8 HCl -> 2 LiCl + 2 CoCl2 + Cl2 + 4 H2O (Xuan 2019):
    # 1000 g / 97.87 g/mol = 10.217 mol LCO -> 5.109 mol Cl2, 40.87 mol HCl.
    db = planner.db
    out = leach(planner, feed_of(planner, {"LiCoO2(s)": 1.0}), acid="HCl", oxide_leaching="1",
                acid_excess="1", hcl_evolution="0")
    n = 1000.0 / M_LCO
    assert out.outlets["off_gas"][0, db.index["CL2"]] == pytest.approx(n / 2, rel=1e-3)
    assert out.reagents[0, db.index["HCl(aq)"]] == pytest.approx(4 * n, rel=1e-3)
    assert out.outlets["leachate"][0, db.index["CoCl2(s)"]] == pytest.approx(n, rel=1e-3)
    assert any("Cl2" in note for note in out.notes)
    # The same oxide in H2SO4 + H2O2 gives no Cl2.
    sulfuric = leach(planner, feed_of(planner, {"LiCoO2(s)": 1.0}))
    assert sulfuric.outlets["off_gas"][0, db.index["CL2"]] == 0.0


def test_lfp_leaves_fepo4_in_the_residue(planner):
    # 2 LiFePO4 + H2SO4 + H2O2 -> Li2SO4 + 2 FePO4 + 2 H2O: 0.5 mol acid per mol LFP.
    db = planner.db
    feed = feed_of(planner, {"LiFePO4(s)": 1.0})
    n = feed[0, db.index["LiFePO4(s)"]]
    out = leach(planner, feed, lfp_leaching="1", acid_excess="1")
    assert out.outlets["residue"][0, db.index["FePO4(s)"]] == pytest.approx(n, rel=1e-9)
    assert out.reagents[0, db.index["H2SO4(L)"]] == pytest.approx(0.5 * n, rel=1e-9)


def test_precipitate_recovers_li_at_the_set_fraction_and_metals_as_hydroxides(planner):
    # 5 mol Li2SO4 in 10 kg water: Li2CO3 dissolved at 95 C is 0.00746 kg/kg x 10 kg = 0.075 kg
    # of 0.369 kg, so the solubility allows 0.80 and the set 0.70 applies: 3.5 mol Li2CO3.
    db = planner.db
    water = 10.0 / db.molar_mass[db.index["H2O(L)"]]
    leachate = leachate_of(db, {"Li2SO4(a)": 5.0, "NiSO4(s)": 8.0, "CoSO4(s)": 1.0, "MnSO4(s)": 1.0,
                                "H2O(L)": water})
    out = Precipitate("p", {"lithium_recovery": "0.7", "hydroxide_recovery": "1"}, "test").run(
        {"leachate": leachate}, planner.context(False))
    assert_conserved(db, leachate, out)
    assert out.outlets["lithium_carbonate"][0, db.index["Li2CO3(s)"]] == pytest.approx(3.5, rel=1e-12)
    hydroxide = out.outlets["hydroxide"][0]
    for name, n in (("Ni(OH)2(s)", 8.0), ("Co(OH)2(s)", 1.0), ("Mn(OH)2(s)", 1.0)):
        assert hydroxide[db.index[name]] == pytest.approx(n, rel=1e-12)
    assert out.outlets["brine"][0, db.index["Li2SO4(a)"]] == pytest.approx(1.5, rel=1e-12)
    assert out.outlets["brine"][0, db.index["NiSO4(s)"]] == pytest.approx(0.0, abs=1e-12)


def test_li2co3_solubility_caps_the_recovery(planner):
    # Seidell 1940: 0.85 g/100 g at 75 C, 0.72 at 100 C -> 0.746 at 95 C (linear).
    # 5 mol Li2SO4 -> 0.3695 kg Li2CO3; 30 kg water hold 0.2238 kg -> at most 0.394 recovered.
    db = planner.db
    assert li2co3_solubility(368.15) == pytest.approx(0.00746, rel=1e-3)
    water = 30.0 / db.molar_mass[db.index["H2O(L)"]]
    leachate = leachate_of(db, {"Li2SO4(a)": 5.0, "H2O(L)": water})
    out = Precipitate("p", {"lithium_recovery": "0.9"}, "test").run({"leachate": leachate},
                                                                      planner.context(False))
    li2co3 = out.outlets["lithium_carbonate"][0, db.index["Li2CO3(s)"]]
    assert li2co3 / 5.0 == pytest.approx(0.394, abs=0.002)
    assert any("solubility" in n for n in out.notes)


def test_naoh_demand_is_two_mol_per_mol_niso4(planner):
    # NiSO4 + 2 NaOH -> Ni(OH)2 + Na2SO4.
    db = planner.db
    leachate = leachate_of(db, {"NiSO4(s)": 1.0, "H2O(L)": 100.0})
    out = Precipitate("p", {"caustic_excess": "1", "hydroxide_recovery": "1"}, "test").run(
        {"leachate": leachate}, planner.context(False))
    assert out.reagents[0, db.index["NaOH(a)"]] == pytest.approx(2.0, rel=1e-12)
    assert out.reagents[0, db.index["Na2CO3(I)"]] == pytest.approx(0.0, abs=1e-12)


def test_free_acid_in_the_leachate_takes_naoh_first(planner):
    # 1 mol H2SO4 + 1 mol NiSO4: 2 + 2 = 4 mol NaOH, x 1.05 excess = 4.2 mol fed.
    db = planner.db
    leachate = leachate_of(db, {"H2SO4(L)": 1.0, "NiSO4(s)": 1.0, "H2O(L)": 100.0})
    out = Precipitate("p", {"hydroxide_recovery": "1"}, "test").run({"leachate": leachate},
                                                                    planner.context(False))
    assert out.reagents[0, db.index["NaOH(a)"]] == pytest.approx(4.2, rel=1e-12)
    assert out.outlets["brine"][0, db.index["NaOH(a)"]] == pytest.approx(0.2, rel=1e-9)


@pytest.mark.parametrize("water, reagent, fed", [
    ({"H2SO4(L)": 1.0}, "NaOH(a)", 2.0),            # H2SO4 + 2 NaOH -> Na2SO4 + 2 H2O
    ({"HCl(aq)": 3.0}, "NaOH(a)", 3.0),             # HCl + NaOH -> NaCl + H2O
    ({"NaOH(a)": 2.0}, "H2SO4(L)", 1.0),            # 2 NaOH + H2SO4 -> Na2SO4 + 2 H2O
    ({"Na2CO3(I)": 2.0}, "H2SO4(L)", 1.0),          # 2 Na2CO3 + H2SO4 -> 2 NaHCO3 + Na2SO4
    ({"H2SO4(L)": 1.0, "NaOH(a)": 1.5}, "NaOH(a)", 0.5),  # the water's own NaOH is used first
])
def test_treat_water_neutralises_with_stoichiometric_reagent(planner, water, reagent, fed):
    db = planner.db
    inlet = leachate_of(db, {**water, "H2O(L)": 1000.0})
    out = TreatWater("t", {}, "test").run({"water": inlet}, planner.context(False))
    assert_conserved(db, inlet, out)
    assert out.reagents[0, db.index[reagent]] == pytest.approx(fed, rel=1e-12)
    effluent = out.outlets["effluent"][0]
    for species in ("H2SO4(L)", "HCl(aq)", "NaOH(a)", "Na2CO3(I)"):
        assert effluent[db.index[species]] == pytest.approx(0.0, abs=1e-12)
    assert effluent[db.is_gas].sum() == 0.0  # carbonate to bicarbonate: no CO2


def test_treat_water_sends_metal_hydroxides_to_the_sludge(planner):
    db = planner.db
    inlet = leachate_of(db, {"NiSO4(s)": 0.5, "H2SO4(L)": 0.1, "H2O(L)": 1000.0})
    out = TreatWater("t", {}, "test").run({"water": inlet}, planner.context(False))
    assert out.outlets["sludge"][0, db.index["Ni(OH)2(s)"]] == pytest.approx(0.5, rel=1e-12)
    assert out.reagents[0, db.index["NaOH(a)"]] == pytest.approx(1.2, rel=1e-12)  # 0.2 + 2 x 0.5
