"""Chemistry follows the material: every species reacts in every medium it meets.

Invariants sweep every species x every medium and every reactive species x every shipped route;
hand checks pin the amounts (each test names its arithmetic).
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import bom_inventory

from recycle.errors import InputError
from recycle.flowsheet import available_routes, load_route
from recycle.reactivity import KINDS, load_reactivity, react_in_medium

ROUTES = sorted(available_routes())
# every cell arrives intact: the hand checks below follow the material into the steps after receiving
INTACT = {"damaged_fraction": "0", "damaged_fraction_worst": "0"}
# Reactive species the issue names, with every electrolyte of the catalogue.
REACTIVE = ["Li(cr)", "LiIn(s)", "Li3N(s)", "LiBH4(s)", "Li2S(s)", "AL(cr)", "Ni0.8Co0.1Mn0.1O2(s)", "CoO2(s)"]


def _catalogue_electrolytes(planner):
    names = set()
    for cell in planner.catalogue.values():
        bom = cell.bill_of_materials(0.0, planner.db)
        names |= {n for n in bom if planner.db.species[planner.db.index[n]].role == "electrolyte"}
    return sorted(names)


def _context(planner, worst=(False, True)):
    return planner.context(False, list(worst))


# ----------------------------------------------------------------------------- data
def test_every_species_has_an_entry_in_every_medium(planner):
    rv, db = planner.reactivity, planner.db
    assert {m.kind for m in rv.media.values()} <= set(KINDS)
    for medium in rv.media.values():
        for name in db.names:
            for T in (298.15, 523.15):
                b = rv.behaviour(name, medium.name, T)
                assert b.source, (name, medium.name)


def test_a_missing_entry_is_refused_naming_species_and_medium(planner, tmp_path):
    folder = tmp_path / "chemistry"
    shutil.copytree(planner.db.directory, folder)
    text = (folder / "reactivity.yaml").read_text()
    # Li(cr) loses its ethanol entry: loading must say so, naming both.
    text = text.replace('      ethanol: {extent: complete, reactions: [li_ethanol], source: "[R] section 4.2: ethanol consumes Li mildly; H2 from the balanced equation (D)"}\n', "")
    (folder / "reactivity.yaml").write_text(text)
    from recycle.chemistry import ChemistryDB
    from recycle.reactions import load_reactions

    db = ChemistryDB.load(folder)
    with pytest.raises(InputError, match=r"Li\(cr\).*ethanol"):
        load_reactivity(db, load_reactions(db))


def test_reactive_species_react_in_every_protic_medium(planner):
    """Li metal has a reaction (never 'inert') wherever there is water or an alcohol, and in the
    shredder; each thiophosphate has one wherever there is liquid water."""
    rv = planner.reactivity
    protic = [m.name for m in rv.media.values() if m.all is None and
              (m.kind.startswith("aqueous") or m.kind == "alcohol")]
    for medium in protic + ["argon_shredder", "nitrogen_shredder", "DEC"]:
        assert rv.reacts("Li(cr)", medium, 298.15), medium
    for sse in ("Li3PS4(s)", "Li7P3S11(s)", "Li6PS5Cl(s)", "Li10GeP2S12(s)"):
        for medium in (m for m in protic if m != "ethanol"):
            assert rv.reacts(sse, medium, 298.15), (sse, medium)


@pytest.mark.parametrize("temperature", [298.15, 523.15])
def test_every_species_through_every_medium_closes_and_completes(planner, temperature):
    """1 mol of each species alone in each medium: elements close, and a species with a
    'complete' behaviour is gone unless a co-reactant its reaction needs is absent."""
    db, rv = planner.db, planner.reactivity
    ctx = _context(planner)
    E = db.element_matrix
    for medium in (m for m in rv.media.values() if m.all is None):
        supplied = {db.index[s] for s in medium.supplies}
        for i, name in enumerate(db.names):
            feed = np.zeros((2, db.n_species))
            feed[:, i] = 1.0
            reagents = np.zeros_like(feed)
            out, _ = react_in_medium(feed, medium.name, temperature, ctx, reagents)
            residual = E @ (out - feed - reagents)[0]
            assert np.abs(residual).max() < 1e-9, (name, medium.name)
            assert out.min() >= -1e-12, (name, medium.name)
            b = rv.behaviour(name, medium.name, temperature)
            if b.extent == "complete":
                partners_missing = all(
                    any(j != i and j not in supplied for j in np.flatnonzero(ctx.reactions[r].stoich < 0))
                    for r in b.reactions)
                assert out[0, i] < 1e-9 or partners_missing, (name, medium.name)


# ----------------------------------------------------------------------------- routes
def _reactive_feeds(planner):
    for name in REACTIVE + _catalogue_electrolytes(planner):
        yield name, {name: 1.0, "C": 0.5, "NCM811": 1.0}


@pytest.mark.parametrize("route", ROUTES)
def test_no_reactive_species_leaves_a_medium_that_reacts_with_it(planner, route):
    """For each reactive species through each shipped route: at every step, nothing with a
    'complete' behaviour in the step's medium leaves it, and whatever a rate limit or the step's
    model lets survive is reported as a flag with the amount that leaves."""
    db, rv = planner.db, planner.reactivity
    for name, bom in _reactive_feeds(planner):
        result = planner.plan(bom_inventory(planner, bom), route, basis="1 kg")
        for sid, step in result.steps.items():
            o = step.outcome
            assert o.media, sid
            for port, amounts in o.outlets.items():
                media = o.outlet_media.get(port, o.media)
                for i in np.flatnonzero((amounts.max(axis=0) > 1e-9) & ~db.is_gas):
                    for medium in media:
                        b = rv.behaviour(db.names[i], medium, o.temperature)
                        if db.names[i] in rv.media[medium].supplies:
                            continue
                        if b.extent == "complete":   # only a conversion the user set below 1 may leave it
                            assert any(f.species == db.names[i] and f.code == "survives_rate_limit"
                                       for f in o.flags), (name, route, sid, port, db.names[i], medium)
                        if b.extent in ("rate", "step"):
                            assert any(f.species == db.names[i] and f.code in ("survives_rate_limit", "not_regenerated", "unquantified_hazard")
                                       for f in o.flags), (name, route, sid, port, db.names[i], medium)


@pytest.mark.parametrize("route", ROUTES)
def test_every_h2_bearing_off_gas_goes_to_the_flare(planner, route):
    """No step's gas carrying H2 (expected or worst case, any catalogue cell, charged or not,
    brine discharge too) bypasses a flare; a route without a flare must make no H2."""
    loaded = load_route(route)
    flares = {sid for sid, s in loaded.steps.items() if s.gas_treatment == "combustion"}
    for cell in planner.catalogue:
        for soc, method in ((0.0, "resistive"), (1.0, "brine")):
            result = planner.plan(planner.cell_inventory(cell, soc), route, basis="1 kg",
                                  overrides={"discharge": {"method": method}})
            db = result.db
            for edge, amounts, _ in result.streams.values():
                src = edge.source
                if src in flares or src == "feed" or result.steps[src].gas_treatment == "absorption":
                    continue
                if amounts[:, ~db.is_gas].max() > 0:   # closed cells carrying the gas they hold: the step
                    continue                            # that opens them sends it on, and is checked in turn
                if amounts[:, db.index["H2"]].max() > 1e-12 and db.is_gas[db.index["H2"]]:
                    target = edge.target.split(".")[0]
                    assert target in flares, (route, cell, soc, method, edge.name)


# ----------------------------------------------------------------------------- hand checks
def test_libh4_quenched_in_ethanol_gives_0_370_kg_h2_in_the_quench(planner):
    """Hand: LiBH4 + 4 EtOH -> LiB(OEt)4 + 4 H2. M(LiBH4) = 6.94 + 10.81 + 4(1.008) = 21.78 g/mol;
    1000/21.78 = 45.91 mol x 4 x 2.016 g = 0.370 kg H2 (DOMAIN.md section 3: 0.370 g H2 per g)."""
    db = planner.db
    result = planner.plan(bom_inventory(planner, {"LiBH4": 1.0}), "hydrometallurgy", basis="1 kg",
                          overrides={"shred": {"dust_fraction": "0"}, "receive": INTACT})
    quench = result.steps["quench"]
    h2 = quench.gas_generated[:, db.index["H2"]] * db.molar_mass[db.index["H2"]]
    assert h2 == pytest.approx([0.3702, 0.3702], rel=2e-3)
    assert result.steps["leach"].gas_generated[:, db.index["H2"]].max() == pytest.approx(0.0, abs=1e-12)


def test_li6ps5cl_completely_hydrolysed_gives_5_h2s_per_formula_unit(planner):
    """Hand: Li6PS5Cl + 4 H2O -> Li3PO4 + LiCl + Li2S + 4 H2S, Li2S + 2 H2O -> 2 LiOH + H2S:
    5 H2S per formula unit. M = 6(6.94) + 30.974 + 5(32.06) + 35.45 = 268.36 g/mol;
    1000/268.36 x 5 x 34.08 g = 0.635 kg H2S per kg (DOMAIN.md section 3: 456 cm3/g with the Li2S)."""
    db = planner.db
    result = planner.plan(bom_inventory(planner, {"Li6PS5Cl": 1.0}), "hydrometallurgy", basis="1 kg",
                          overrides={"shred": {"dust_fraction": "0"}, "quench": {"solvent": "water"}})
    h2s = result.steps["quench"].gas_generated[:, db.index["H2S"]] * db.molar_mass[db.index["H2S"]]
    assert h2s == pytest.approx([0.635, 0.635], rel=2e-3)


def test_li3n_quenched_in_ethanol_gives_nh3(planner):
    """Hand: Li3N + 3 EtOH -> 3 LiOEt + NH3. M(Li3N) = 3(6.94) + 14.007 = 34.83 g/mol;
    1000/34.83 = 28.71 mol NH3 x 17.03 g = 0.489 kg NH3 per kg Li3N."""
    db = planner.db
    result = planner.plan(bom_inventory(planner, {"Li3N": 1.0}), "hydrometallurgy", basis="1 kg",
                          overrides={"shred": {"dust_fraction": "0"}})
    nh3 = result.steps["quench"].gas_generated[:, db.index["NH3"]] * db.molar_mass[db.index["NH3"]]
    assert nh3 == pytest.approx([0.489, 0.489], rel=3e-3)


def test_li_ground_with_argyrodite_releases_the_heat_of_their_reaction(planner):
    """Shredder, 8 mol Li + 1 mol Li6PS5Cl (8 Li + Li6PS5Cl -> 5 Li2S + Li3P + LiCl).
    Hand, from the formation enthalpies in chemistry/: 5(-447.0) + (-318.5) + (-408.25)
    - (-1755.0) = -1206.75 kJ per mol of reaction at 298 K. Expected case: 1 % of the Li reacts,
    0.01 mol of reaction -> 12.07 kJ; worst case (the shredder burns): all 8 mol -> 1206.75 kJ
    (at the 40 C shredder temperature the heat differs by < 0.1 %). The audit flags it critical."""
    db = planner.db
    li = 8 * db.molar_mass[db.index["Li(cr)"]]
    lpscl = db.molar_mass[db.index["Li6PS5Cl(s)"]]
    result = planner.plan(bom_inventory(planner, {"Li": li, "Li6PS5Cl": lpscl}), "hydrometallurgy",
                          basis=f"{li + lpscl} kg", overrides={"receive": INTACT})
    shred = result.steps["shred"]
    assert shred.heat_released / 1000 == pytest.approx([12.07, 1206.75], rel=1e-3)
    flag = next(f for f in shred.outcome.flags if f.code == "contact_reaction")
    assert flag.amount == pytest.approx([0.08 * 6.94e-3, 8 * 6.94e-3], rel=2e-3)      # kg of Li reacted

    from recycle.audit import audit

    rate = planner.plan(bom_inventory(planner, {"Li": li, "Li6PS5Cl": lpscl}), "hydrometallurgy", basis="1 t/day")
    crit = [f for f in audit(rate).findings if f.step == "shred" and f.severity == "critical"]
    assert crit and "ground with" in crit[0].message


def test_al_foil_in_hot_lioh_gives_h2(planner):
    """Hand: 2 Al + 2 LiOH + 2 H2O -> 2 LiAlO2 + 3 H2. 1 kg Al = 1000/26.98 = 37.06 mol ->
    55.60 mol H2 x 2.016 g = 0.1121 kg H2."""
    from conftest import feed_of
    from test_process_steps import run_step

    db = planner.db
    out = run_step(planner, "relithiate_cathode", {"feed": feed_of(planner, {"Al": 1.0, "NCM811": 1.0})})
    h2 = out.outlets["off_gas"][0, db.index["H2"]] * db.molar_mass[db.index["H2"]]
    assert h2 == pytest.approx(0.1121, rel=2e-3)


def test_sulfide_in_hot_lioh_stays_in_the_liquor_and_is_reported(planner):
    """Hand: Li3PS4 + 8 LiOH -> Li3PO4 + 4 Li2S + 4 H2O. 1 kg Li3PS4 (M = 3(6.94) + 30.974
    + 4(32.06) = 179.99 g/mol) = 5.556 mol: LiOH consumed 44.45 mol (1.064 kg), no H2S leaves,
    22.22 mol sulfide held = 0.757 kg H2S if acidified."""
    from conftest import feed_of
    from test_process_steps import run_step

    db = planner.db
    out = run_step(planner, "relithiate_cathode", {"feed": feed_of(planner, {"Li3PS4": 1.0, "NCM811": 1.0})})
    assert out.outlets["off_gas"][0, db.index["H2S"]] == 0.0
    assert out.reagents[0, db.index["LiOH(s)"]] * db.molar_mass[db.index["LiOH(s)"]] == pytest.approx(1.064, rel=2e-3)
    latent = next(f for f in out.flags if f.code == "latent_sulfide")
    assert latent.amount[0] == pytest.approx(0.757, rel=2e-3)


def test_charged_cathode_heated_in_dry_gas_releases_o2_which_burns_sulfide_and_li(planner):
    """Above 200 C in dry gas: 30 NCM(charged) -> 24 NiO + Co3O4 + Mn3O4 + 14 O2 (Luo 2024
    section 2.2); the O2 oxidises glassy Li3PS4 (Li3PS4 + 6 O2 -> Li3PO4 + 4 SO2) and molten Li
    (4 Li + O2 -> 2 Li2O), sharing it in proportion to demand. Hand: 3 mol charged NCM -> 1.4 mol
    O2; demand 6 (1 mol Li3PS4) + 0.25 (1 mol Li) = 6.25 -> scale 0.224: 0.224 mol Li3PS4
    -> 0.896 mol SO2. At 25 C nothing happens."""
    db = planner.db
    ctx = _context(planner, worst=(False,))
    feed = np.zeros((1, db.n_species))
    feed[0, db.index["Ni0.8Co0.1Mn0.1O2(s)"]] = 3.0
    feed[0, db.index["Li3PS4(s)"]] = 1.0
    feed[0, db.index["Li(cr)"]] = 1.0
    cold, _ = react_in_medium(feed, "dry_gas", 298.15, ctx, np.zeros_like(feed))
    assert np.array_equal(cold, feed)
    hot, _ = react_in_medium(feed, "dry_gas", 523.15, ctx, np.zeros_like(feed))
    assert hot[0, db.index["Ni0.8Co0.1Mn0.1O2(s)"]] == pytest.approx(0.0, abs=1e-12)
    assert hot[0, db.index["SO2"]] == pytest.approx(4 * 1.4 * 6 / 6.25 / 6, rel=1e-6)
    assert hot[0, db.index["O2"]] == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------------- routes and findings
def test_direct_route_sieves_the_al_foil_and_reports_what_reaches_the_liquor(planner):
    """The README example: Al foil is sieved off (95 %, S) before the hot LiOH; the rest gives H2
    (to the flare); the sulfide that regeneration does not recover (10 %) hydrolyses in the
    liquor and is reported. Li3PS4 dissolves in ethanol like every PS4(3-) sulfide (Luo 2024
    section 4.2), so it is regenerated, not flagged."""
    db = planner.db
    result = planner.plan(None, "direct-regeneration")
    foil = result.sinks("product")["aluminium foil"][0, db.index["AL(cr)"]]
    fed = result.feed[0, db.index["AL(cr)"]]
    assert foil == pytest.approx(0.95 * fed, rel=1e-9)
    relith = result.steps["relithiate_cathode"]
    assert relith.gas_generated[0, db.index["H2"]] == pytest.approx(0.05 * fed * 1.5, rel=1e-6)
    assert any(f.code == "latent_sulfide" for f in relith.outcome.flags)
    assert not any(f.code == "not_regenerated" for f in result.steps["regenerate_sse"].outcome.flags)


def test_hybrid_route_separates_foils_before_the_acid_leach(planner):
    """Before this fix all the Al foil dissolved in the H2SO4 leach (3/2 H2 per Al); now 5 %."""
    db = planner.db
    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.0), "hybrid", basis="1 kg")
    fed = result.feed[0, db.index["AL(cr)"]]
    h2_from_al = result.steps["leach"].gas_generated[0, db.index["H2"]]
    assert h2_from_al <= 0.05 * fed * 1.5 * (1 + 1e-9) + result.steps["leach"].inlet[0, db.index["Li(cr)"]]


def test_li_meeting_ethanol_water_traces_is_not_a_water_finding(planner):
    """The 50 ppm water of the dissolution ethanol does not make 'Li meets water' critical;
    Li metal reaching the hot LiOH liquor does."""
    from recycle.audit import audit

    result = planner.plan(None, "direct-regeneration", basis="10 t/day")
    crit = [f for f in audit(result).findings if f.severity == "critical" and "meets water" in f.message]
    assert not [f for f in crit if f.step == "regenerate_sse"]


def test_applicability_reads_flags_not_notes(planner):
    """A route is judged 'does not apply' from the not_regenerated flag of a main electrolyte:
    LGPS (GeS4 units) has no dissolution route; Li3PS4 (PS4 units) has one (Luo 2024 section 4.2)."""
    from recycle.applicability import route_fit

    fit = route_fit(planner, "LGPS-LCO-LI", "direct-regeneration")
    assert fit.status == "does not apply"
    assert any("Li10GeP2S12(s) is not regenerated" in r for r in fit.reasons)
    assert route_fit(planner, "LPS-NCM811-LI", "direct-regeneration").status != "does not apply"


def test_phosphine_from_the_shredder_products_is_burnt_and_scrubbed(planner):
    """Li3P made in the shredder (Li + Li6PS5Cl) gives PH3 in the ethanol quench (Li3P + 3 EtOH
    -> 3 LiOEt + PH3); the flare burns it to P4O10 (Cantera HP equilibrium) and the caustic
    scrubber absorbs 98 % of that. Hand: P is conserved, so P4O10 formed = PH3 burnt / 4."""
    db = planner.db
    result = planner.plan(None, "hydrometallurgy")
    ph3 = result.steps["quench"].gas_generated[:, db.index["PH3"]]
    assert ph3.min() > 0
    assert result.sink_total("stack")[:, db.index["PH3"]].max() < 1e-6 * ph3.max()
    p4o10 = result.steps["flare"].gas_generated[:, db.index["P4O10"]]
    assert p4o10 == pytest.approx(ph3 / 4, rel=1e-3)
    assert result.sink_total("stack")[:, db.index["P4O10"]] == pytest.approx(0.02 * p4o10, rel=1e-3)


def test_metal_meeting_water_counts_only_the_li_that_reacts_with_water(planner):
    """Brine discharge of a charged argyrodite cell: the discharge reaction takes most of the Li
    into the cathode; only the Li the brine reaches reacts with water. The flag's Li and the H2
    the step makes agree by hand: 2 Li + 2 H2O -> 2 LiOH + H2, 2.016 / (2 x 6.941) = 0.1452 kg H2
    per kg Li; the audit reports that H2 (not the Li) and advises resistive discharge. A Li-In
    cell whose Li-In reacts with the dissolution ethanol before the water step gets no water
    finding (review of issue 13)."""
    from recycle.audit import audit

    db = planner.db
    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 1.0), "direct-regeneration", basis="10 t/day",
                          overrides={"discharge": {"method": "brine"}})
    step = result.steps["discharge"]
    flag = next(f for f in step.outcome.flags if f.code == "metal_meets_water")
    h2 = step.gas_generated[:, db.index["H2"]] * db.molar_mass[db.index["H2"]]
    assert h2 == pytest.approx(flag.amount * 2.01588 / (2 * 6.941), rel=2e-3)
    finding = next(f for f in audit(result).findings if f.step == "discharge" and "meets water" in f.message)
    assert finding.value == pytest.approx(h2.max() * 3600, rel=2e-3)
    assert "resistive" in finding.message
    lic = planner.plan(planner.cell_inventory("LIC-NCM811-LIIN", 0.1), "direct-regeneration", basis="10 t/day")
    assert not [f for f in audit(lic).findings if "meets water" in f.message]


def test_sulfide_is_released_wherever_the_liquor_turns_acid_or_neutral(planner):
    """Li2S held in an alkaline liquor (latent H2S) reacts where acid or neutral water meets it."""
    rv = planner.reactivity
    for medium in ("water", "effluent_neutralisation", "aqueous_H2SO4", "aqueous_HCl", "acid_scrubber"):
        assert rv.behaviour("Li2S(s)", medium, 298.15).extent != "inert", medium
    for medium in ("hydrothermal_LiOH", "caustic_scrubber"):
        assert rv.behaviour("Li2S(s)", medium, 298.15).extent == "inert", medium


WATER_REACTIVE = ["Li(cr)", "LiIn(s)", "LiH(s)", "Li3N(s)", "Li9N2Cl3(s)", "Li3P(s)", "LiBH4(s)", "C2H5Li(s)",
                  "Li3PS4(s)", "Li7P3S11(s)", "Li6PS5Cl(s)", "Li10GeP2S12(s)", "TiS2(s)", "LiTiS2(s)"]


@pytest.mark.parametrize("species", WATER_REACTIVE)
def test_water_reactive_species_are_never_inert_where_there_is_water(planner, species):
    """Data check (kills a wrong 'inert'): in every medium with liquid water (aqueous kinds and
    brine), each water-reactive species has a reaction, a rate or a step model."""
    rv = planner.reactivity
    for medium in (m for m in rv.media.values() if m.all is None and m.kind.startswith("aqueous")):
        b = rv.behaviour(species, medium.name, 298.15)
        assert b.extent != "inert", (species, medium.name)


def test_what_recycle_cannot_quantify_is_flagged_and_audited(planner):
    """An isopropanol quench leaves LiBH4 (EROS: no reaction in 24 h): the quench flags it as an
    unquantified hazard and the audit warns; its H2 then forms in the acid leach."""
    from recycle.audit import audit

    inv = bom_inventory(planner, {"LiBH4": 0.2, "NCM811": 1.0})
    result = planner.plan(inv, "hydrometallurgy", basis="1 t/day", overrides={"quench": {"solvent": "isopropanol"}})
    assert any(f.code == "unquantified_hazard" and f.species == "LiBH4(s)" for f in result.steps["quench"].outcome.flags)
    assert any(f.step == "quench" and "does not quantify" in f.message for f in audit(result).findings)
    assert result.steps["leach"].gas_generated[0, planner.db.index["H2"]] > 0


def test_tis2_in_hot_lioh_is_held_as_latent_sulfide(planner):
    """LiBH4 | TiS2 cell through direct regeneration: the TiS2/LiTiS2 cathode reaches the hot LiOH
    (TiS2 + 4 LiOH -> TiO2 + 2 Li2S + 2 H2O): its sulfur is reported as latent H2S, not lost."""
    cell = next(k for k, c in planner.catalogue.items() if "TiS2" in c.name)
    result = planner.plan(planner.cell_inventory(cell, 0.1), "direct-regeneration", basis="1 kg")
    flags = result.steps["relithiate_cathode"].outcome.flags
    assert any(f.code == "latent_sulfide" and f.amount.max() > 0 for f in flags)


def test_molten_li_without_oxygen_does_not_stop_the_plan(planner):
    """A dry room at 200 C melts the Li; the data say molten Li burns with O2, but there is none:
    nothing reacts and the plan runs (review of issue 13: it stopped with 'please report')."""
    result = planner.plan(None, "direct-regeneration", overrides={"dismantle": {"temperature": "200 degC"}})
    assert result.max_relative_element_residual() < 1e-9
