"""The equilibria of a Monte Carlo batch solved together (the flare's: recycle.gas_equilibrium;
the smelter's: recycle.multiphase.equilibrate_together) against Cantera's ``equilibrate`` row by
row: the reference is Cantera itself."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import range_samples

from recycle import Planner
from recycle.constants import AIR
from recycle.flowsheet import available_routes, load_route
from recycle.gas_equilibrium import equilibrate
from recycle.steps import flare as flare_module


@pytest.fixture(scope="module")
def planner():
    return Planner.load()


def _cantera(sol, moles, enthalpy=None, temperature=None):
    """Cantera's equilibrium of one state (mol, J or K): (moles, T)."""
    mass = moles @ sol.molecular_weights / 1000.0
    sol.TPX = 298.15 if temperature is None else temperature, 101325.0, moles / moles.sum()
    if enthalpy is not None:
        sol.HP = enthalpy / mass, 101325.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sol.equilibrate("HP" if enthalpy is not None else "TP")
    return sol.X * mass / (sol.mean_molecular_weight / 1000.0), sol.T


def _h2_in_air(sol, db, fractions):
    """Rows of 1 mol of H2-in-air mixtures (mol, order of ``sol``) and their enthalpy at 298.15 K (J)."""
    moles = np.zeros((len(fractions), sol.n_species))
    for r, x in enumerate(fractions):
        moles[r, sol.species_index("H2")] = x
        for name, share in AIR.items():
            moles[r, sol.species_index(name)] = (1 - x) * share
    sol.TP = 298.15, 101325.0
    h = moles @ (sol.partial_molar_enthalpies / 1000.0)
    return moles, h


def test_hp_equilibrium_of_hydrogen_in_air_equals_cantera_row_by_row(planner):
    """Hand check first: 4 % H2 in air releases 0.04 x 241.8 kJ/mol (H2O gas, NIST-JANAF) into
    ~29.6 J/(mol K) of air (cp near 450 K), so it burns to about 298 + 9672/29.6 ~ 625 K (the
    flare's docstring: 628 K). Then every row of 1-30 % H2 equals Cantera's own HP equilibrium
    to 1e-10 of the flow and 1e-6 K, from Cantera's solution of the 10 % row only."""
    db = planner.db
    sol = db.gas_solution(("NO", "NO2"))
    thermo = db.gas_thermo(("NO", "NO2"))
    fractions = np.linspace(0.01, 0.30, 30)
    moles, h = _h2_in_air(sol, db, fractions)
    start, T0 = _cantera(sol, moles[9], enthalpy=h[9])
    n, T, ok = equilibrate(thermo, moles, start, T0, enthalpy=h)
    assert ok.all()
    four = int(np.argmin(abs(fractions - 0.04)))
    hand = 298.15 + fractions[four] * 241.8e3 / 29.6
    assert T[four] == pytest.approx(hand, abs=15)
    for r in range(len(moles)):
        n_c, T_c = _cantera(sol, moles[r], enthalpy=h[r])
        assert np.abs(n[r] - n_c).max() <= 1e-10 * n_c.sum()
        assert T[r] == pytest.approx(T_c, abs=1e-6)
    # the energy balance closes: products at T hold the feed's enthalpy
    for r in (0, 15, 29):
        sol.TPX = T[r], 101325.0, n[r] / n[r].sum()
        assert n[r] @ (sol.partial_molar_enthalpies / 1000.0) == pytest.approx(h[r], rel=1e-9, abs=1e-6)


def test_tp_equilibrium_of_burnt_gas_equals_cantera(planner):
    """CO, H2 and O2 at the burnout zone's 850 C (TP): rows of different CO/O2 ratios equal
    Cantera's TP equilibrium of each to 1e-10 of the flow (CO and H2 burn out to ppb)."""
    sol = planner.db.gas_solution(("NO", "NO2"))
    thermo = planner.db.gas_thermo(("NO", "NO2"))
    rows = []
    for co in np.linspace(0.001, 0.05, 12):
        m = np.zeros(sol.n_species)
        for name, x in {"CO": co, "H2": 0.01, "O2": 0.05, "N2": 0.7, "H2O": 0.1, "CO2": 0.1, "Ar": 0.01}.items():
            m[sol.species_index(name)] = x
        rows.append(m)
    moles = np.array(rows)
    start, _ = _cantera(sol, moles[6], temperature=1123.15)
    n, T, ok = equilibrate(thermo, moles, start, 1123.15, temperature=np.full(len(moles), 1123.15))
    assert ok.all() and np.all(T == 1123.15)
    for r in range(len(moles)):
        n_c, _ = _cantera(sol, moles[r], temperature=1123.15)
        assert np.abs(n[r] - n_c).max() <= 1e-10 * n_c.sum()
    assert n[:, sol.species_index("CO")].max() < 1e-6 * n.sum(axis=1).min()


def _samples(planner, route, n, seed=3):
    """``n`` samples (at least 4) of every parameter with a range: the range's edges first
    (conftest.range_samples)."""
    return range_samples(planner, route, max(n - 4, 0), seed)


@pytest.mark.parametrize("route_id", available_routes())
def test_batch_equilibria_equal_cantera_on_every_route(planner, route_id):
    """Invariant over every shipped route: a batch planned with its equilibria solved together
    gives every stream of every row within 1e-9 of that row's flow, and every stream
    temperature within 1e-4 K, of the same batch with one Cantera call per row (range-edge
    samples included); each flare's and smelter's note says what it did. Behind a smelter the
    bound is 1e-5 of the flow and 1e-2 K: Cantera's own metering of the oxidant stops within
    1e-6 of the CO2 share (Smelt._meter_oxidant), while the rows solved together meet it exactly
    (the next test checks them against Cantera's equilibrium at the O2 they find)."""
    route = load_route(route_id)
    values = _samples(planner, route, 12)
    inv = planner.read_inventory(None)
    each = planner.plan_batch(inv, route, "10 t/day", values)
    together = planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
    smelter = any(s.type == "smelt" for s in route.steps.values())
    bound, kelvin = (1e-5, 1e-2) if smelter else (1e-9, 1e-4)
    for name, (_, amounts, T) in each.streams.items():
        _, a2, T2 = together.streams[name]
        flow = np.maximum(amounts.sum(axis=1, keepdims=True), 1e-300)
        assert np.all(np.abs(a2 - amounts) <= bound * flow), name
        assert np.allclose(T2, T, rtol=0, atol=kelvin), name
    solved = [s for s in together.steps.values() if s.type in ("flare", "smelt")]
    assert solved and all(any("solved together" in n for n in s.outcome.notes) for s in solved)


def test_smelter_rows_solved_together_are_cantera_equilibria(planner):
    """Each smelter row solved together, at the O2 it blows, is Cantera's multiphase equilibrium
    of its element totals (VCS; to 1e-8 of the flow) and meets its co_fraction to 1e-9 (the
    regula falsi stops at 1e-6): rows of the example cells over the sampled coke (0.02-0.05
    kg/kg) and co_fraction (0.5-0.99) ranges."""
    from recycle.multiphase import equilibrate as cantera_multiphase
    from recycle.steps import smelt

    route = load_route("pyrometallurgy")
    values = _samples(planner, route, 16, seed=5)
    values["smelt.co_fraction"] = np.minimum(values["smelt.co_fraction"], 0.99)
    inv = planner.read_inventory(None)
    captured = {}
    original = smelt.Smelt._together

    def spy(self, system, db, base, per_o2, *args):
        solved, note = original(self, system, db, base, per_o2, *args)
        captured.update(system=system, solved=solved, base=base, per_o2=per_o2, co_fraction=args[-1])
        return solved, note

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(smelt.Smelt, "_together", spy)
        planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
    system, db = captured["system"], planner.db
    names = [db.names[i] for i in system.db_index]
    assert len(captured["solved"]) >= 24
    for row in range(len(captured["base"])):
        key = (captured["base"][row].tobytes(), float(captured["co_fraction"][row]))
        if key not in captured["solved"]:
            continue
        o2, moles = captured["solved"][key]
        exact = cantera_multiphase(system, dict(zip(db.elements, captured["base"][row] + o2 * captured["per_o2"])), "test")
        exact[exact < smelt.TRACE * exact.sum()] = 0.0
        assert np.abs(moles - exact).max() <= 1e-8 * exact.sum()
        reduced = sum(moles[names.index(n)] for n in ("CO", "C(gr)") if n in names)
        share = reduced / (reduced + moles[names.index("CO2")])
        assert share == pytest.approx(captured["co_fraction"][row], abs=1e-9)


def test_rows_newton_leaves_unsolved_go_to_cantera(planner, monkeypatch):
    """A row Newton's method does not converge is solved by Cantera (here: one iteration
    allowed, so every row but the reference's neighbours is left to it), with the same result."""
    route = load_route("hydrometallurgy")
    values = _samples(planner, route, 8)
    inv = planner.read_inventory(None)
    each = planner.plan_batch(inv, route, "10 t/day", values)
    monkeypatch.setattr("recycle.gas_equilibrium.MAX_ITERATIONS", 1)
    together = planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
    note = next(n for n in together.steps["flare"].outcome.notes if "solved together" in n)
    assert "0 left to Cantera" not in note
    flue_each, flue = each.steps["flare"].outlets["flue_gas"], together.steps["flare"].outlets["flue_gas"]
    assert np.abs(flue - flue_each).max() <= 1e-9 * flue_each.sum(axis=1).min()


@pytest.mark.parametrize("route_id, step, outlet, said", [
    ("hybrid", "flare", "flue_gas", ("every row solved by Cantera",)),
    ("pyrometallurgy", "smelt", "off_gas", ("solved by Cantera", "0 of")),
])
def test_a_failed_check_puts_the_rows_back_on_cantera(planner, monkeypatch, route_id, step, outlet, said):
    """When a checked row differs from Cantera by more than the bound (set below any difference
    to force it), the rows are solved (the smelter's: metered) by Cantera row by row, the note
    says so, and the batch equals the one solved by Cantera row by row."""
    import importlib

    route = load_route(route_id)
    values = _samples(planner, route, 8)
    inv = planner.read_inventory(None)
    each = planner.plan_batch(inv, route, "10 t/day", values)
    monkeypatch.setattr(importlib.import_module(f"recycle.steps.{step}"), "CHECK_AMOUNT", -1.0)
    together = planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
    assert any(all(w in n for w in said) for n in together.steps[step].outcome.notes)
    assert np.array_equal(together.steps[step].outlets[outlet], each.steps[step].outlets[outlet])


def test_rows_holding_different_elements_are_solved_apart(planner):
    """Rows with and without H2S (S present or absent) cannot share element potentials: the
    flare groups rows by the elements they hold; every row still equals Cantera's."""
    db = planner.db
    sol = db.gas_solution(("NO", "NO2"))
    moles, h = _h2_in_air(sol, db, np.linspace(0.02, 0.2, 20))
    moles[10:, sol.species_index("H2S")] = 0.01
    step = flare_module.Flare("flare", {}, "test")
    gas_idx = np.array([db.index[n] for n in sol.species_names])
    feed = moles[:, [sol.species_index(db.names[i]) for i in gas_idx]]
    out, flame, exit_t, note = step._equilibria(db, sol, feed, h, gas_idx, 298.15, together=True)
    assert note.count("solved together") == 2
    for r in (0, 9, 10, 19):
        _, flame_c, out_c, exit_c = step._cantera_row(db, sol, moles[r], h[r])
        assert flame[r] == pytest.approx(flame_c, abs=1e-4) and exit_t[r] == pytest.approx(exit_c, abs=1e-4)
        assert np.abs(out[r] - out_c).max() <= 1e-9 * out_c.sum()


def test_rows_with_another_phase_set_are_not_taken(planner):
    """NiO reduced by carbon at 1723 K (Ni, O, C in the smelter's phases: gas, NiO, Ni,
    graphite). Hand check of the phase sets: up to about 0.5 mol C per mol NiO some NiO is
    left; then all Ni is metal and the carbon leaves as CO/CO2; from 1 mol C per O on, graphite
    remains (CO takes one C per O). Solved together from the 0.3 mol row, every row whose
    phases Cantera finds to be the start's must be taken and equal Cantera's equilibrium to
    1e-8 of the flow; every row with another phase set (NiO gone, graphite present) must be
    refused (a phase the start lacks would be stable, or one it holds would be negative)."""
    from recycle.multiphase import equilibrate as cantera_multiphase
    from recycle.multiphase import equilibrate_together, phase_system
    from recycle.steps.smelt import SMELTER_FILE

    db = planner.db
    system = phase_system(db, db.data(SMELTER_FILE)["phases"], 1723.15, {"Ni", "O", "C"}, "test")
    carbon = np.linspace(0.3, 2.0, 18)
    b = np.array([[{"Ni": 1.0, "O": 1.0, "C": c}.get(e, 0.0) for e in system.elements] for c in carbon])
    exact = np.array([cantera_multiphase(system, dict(zip(system.elements, row)), "test") for row in b])
    phases = system.potentials.phase
    held = np.array([[m[phases == p].sum() > 0 for p in range(phases.max() + 1)] for m in exact])
    same = (held == held[0]).all(axis=1)
    assert same[:3].all() and not same[3:].any()          # the hand check above
    moles, _, valid = equilibrate_together(system, b, exact[0])
    assert np.array_equal(valid, same)
    for r in np.flatnonzero(valid):
        assert np.abs(moles[r] - exact[r]).max() <= 1e-8 * exact[r].sum()


def test_thermal_nox_flare_closes_and_solves_together(planner):
    """With thermal NOx allowed (flare.thermal_nox=true) the flame makes NO at equilibrium and
    the burnout zone keeps it (NO neither forms nor goes at 850 C there): the plan's element
    balance closes (it used to lose the NO the burnout equilibrium made, 2.5e-5 of the O and N),
    the flue gas holds NO, and a batch solved together equals Cantera per row to 1e-9 of each
    flow and 1e-4 K."""
    route = load_route("hydrometallurgy").with_parameters({"flare": {"thermal_nox": "true"}})
    inv = planner.read_inventory(None)
    plan = planner.plan(inv, route, "10 t/day")
    assert plan.max_relative_element_residual() < 1e-9
    assert plan.steps["flare"].outlets["flue_gas"][0, planner.db.index["NO"]] > 0
    values = _samples(planner, route, 8)
    each = planner.plan_batch(inv, route, "10 t/day", values)
    together = planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
    a, b = each.steps["flare"].outlets["flue_gas"], together.steps["flare"].outlets["flue_gas"]
    assert np.all(np.abs(a - b) <= 1e-9 * a.sum(axis=1, keepdims=True))
    assert np.allclose(each.streams["flare.flue_gas -> scrub.gas"][2], together.streams["flare.flue_gas -> scrub.gas"][2],
                       rtol=0, atol=1e-4)
    assert any("solved together" in n and "every row solved by Cantera" not in n
               for n in together.steps["flare"].outcome.notes)


def test_solve_rows_leaves_a_singular_row_out_and_solves_the_others():
    """A stack of Newton systems with one singular matrix: that row gets no step (NaN, flagged)
    and the others the solution numpy gives each alone."""
    from recycle.gas_equilibrium import solve_rows

    rng = np.random.default_rng(0)
    jac = rng.random((5, 3, 3)) + 3 * np.eye(3)
    jac[2] = [[1, 2, 3], [2, 4, 6], [0, 1, 1]]             # rank 2
    res = rng.random((5, 3))
    step, ok = solve_rows(jac, res)
    assert ok.tolist() == [True, True, False, True, True] and np.isnan(step[2]).all()
    for r in (0, 1, 3, 4):
        assert np.allclose(step[r], np.linalg.solve(jac[r], res[r]), rtol=1e-14)


def test_smelter_says_what_it_did_when_references_have_no_root(planner):
    """LATP cells smelted with little coke at a CO share of 0.99999 (review finding): the feed
    brings more oxygen than the coke can take, so no row has a CO share to meet. The smelter
    must still say what it did (every row metered by Cantera) and give Cantera's answer."""
    route = load_route("pyrometallurgy")
    inv = planner.cell_inventory("LATP-LFP-LI", 0.1)
    values = {"smelt.co_fraction": np.full(16, 0.99999), "smelt.coke": np.linspace(0.02, 0.022, 16)}
    each = planner.plan_batch(inv, route, "10 t/day", values)
    together = planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
    notes = [n for n in together.steps["smelt"].outcome.notes if "smelter equilibria" in n]
    assert len(notes) == 1 and "metered by Cantera" in notes[0]
    a, b = each.steps["smelt"].outlets["alloy"], together.steps["smelt"].outlets["alloy"]
    assert np.all(np.abs(a - b) <= 1e-9 * np.maximum(a.sum(axis=1, keepdims=True), 1e-300))


def test_smelter_near_an_all_co_bath_agrees_with_cantera(planner):
    """Review finding: at co_fraction 0.98-0.99995 Cantera's metering stopped at an absolute 1e-6
    on the CO share, which moved the alloy's Fe and Mn by 1e-4 of the flow against the rows
    solved together (which meet the share exactly). The metering now stops at 1e-6 of the CO2
    share: on PEO-LFP and the example cells every stream of the two batches agrees to 1e-6 of
    its flow."""
    route = load_route("pyrometallurgy")
    shares = np.array([0.979, 0.985, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99995])
    values = {"smelt.co_fraction": shares, "smelt.coke": np.linspace(0.024, 0.03, len(shares))}
    for inv in (planner.cell_inventory("PEO-LFP-LI", 0.1), planner.read_inventory(None)):
        each = planner.plan_batch(inv, route, "10 t/day", values)
        together = planner.plan_batch(inv, route, "10 t/day", values, batch_equilibria=True)
        assert any("solved together" in n for n in together.steps["smelt"].outcome.notes)
        for name, (_, amounts, _T) in each.streams.items():
            flow = np.maximum(amounts.sum(axis=1, keepdims=True), 1e-300)
            assert np.all(np.abs(together.streams[name][1] - amounts) <= 1e-6 * flow), name
