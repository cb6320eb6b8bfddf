"""Conservation: every step of every shipped route, for every catalogue chemistry, closes."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import bom_inventory

from recycle.errors import InputError
from recycle.flowsheet import available_routes, build_route
from recycle.inventory import Inventory, InventoryRow
from recycle.resources import chemistry_dir
from recycle.yamlio import load_yaml_file

ROUTES = sorted(available_routes())
# every catalogue cell, read from the shipped catalogue so that a new cell is swept too
CELLS = sorted(load_yaml_file(chemistry_dir() / "cells.yaml")["cells"])
assert len(CELLS) >= 13


def catalogue_inventory(planner, cid, soc):
    bom = planner.catalogue[cid].bill_of_materials(soc, planner.db)
    return Inventory("test", [InventoryRow("test", cid, 100.0, soc, bom)])


def assert_closed(result):
    assert result.max_relative_element_residual() < 1e-9
    for step in result.steps.values():
        assert step.relative_residual.max() < 1e-9, step.id
        assert np.all(np.isfinite(step.heat_released)), step.id
    energy = result.energy_balance()
    scale = np.abs(energy["enthalpy_feed"]) + np.abs(energy["enthalpy_reagents"])
    assert np.all(np.abs(energy["residual"]) < 1e-9 * scale)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("cid", CELLS)
@pytest.mark.parametrize("soc", [0.0, 1.0])
def test_every_route_every_chemistry_closes(planner, route, cid, soc):
    result = planner.plan(catalogue_inventory(planner, cid, soc), route)
    assert_closed(result)
    # Nothing is created: the route's outputs hold exactly the feed's and reagents' elements.
    db = planner.db
    out = result.sink_total("product") + result.sink_total("waste") + result.sink_total("stack")
    np.testing.assert_allclose(db.element_totals(out), db.element_totals(result.feed + result.reagents),
                               rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("route", ROUTES)
def test_bill_of_materials_given_directly_closes(planner, route):
    inv = bom_inventory(planner, {"Li": 1.0, "Li6PS5Cl": 2.0, "NCM811": 5.0, "Cu": 1.0, "LiBH4": 0.2, "Li3N": 0.1})
    assert_closed(planner.plan(inv, route))


@pytest.mark.parametrize("solvent", ["ethanol", "isopropanol", "DEC", "water", "none"])
def test_quench_variants_close(planner, solvent):
    inv = catalogue_inventory(planner, "LPSCL-NCM811-LI", 0.5)
    assert_closed(planner.plan(inv, "direct-regeneration", overrides={"quench": {"solvent": solvent}}))


def test_throughput_basis_scales_linearly(planner):
    """10 t/day is 0.1157 kg/s: every flow is the batch flow x (rate / batch mass)."""
    inv = catalogue_inventory(planner, "LPSCL-NCM811-LI", 0.2)
    batch = planner.plan(inv, "direct-regeneration", basis="100 kg")
    rate = planner.plan(inv, "direct-regeneration", basis="10 t/day")
    factor = 10000 / 86400 / 100
    np.testing.assert_allclose(rate.sink_total("product"), batch.sink_total("product") * factor, rtol=1e-9)
    assert rate.steps["quench"].heat_released[0] == pytest.approx(batch.steps["quench"].heat_released[0] * factor)


def test_enthalpy_duty_by_hand_with_reagents_supplied_at_25_c(planner):
    """Leach at 70 C: duty = sum n h(T) over outlets at their temperature - feed at 25 C -
    reagents (acid, H2O2, water) at 25 C, summed species by species from Cantera's thermo
    objects (not through the simulator). Heating the 25 C water and acid is part of the duty.
    In the leachate the salts and the surplus acid are dissolved, and H2O2 is fed as a
    solution: for those, h = h0 + cp0 (T - 298.15) with the NBS infinite-dilution values of
    chemistry/aqueous.yaml, read here from the file."""
    import cantera  # noqa: F401 - the thermo objects below are Cantera's

    from recycle.yamlio import load_yaml_file

    db = planner.db
    inv = bom_inventory(planner, {"NCM811": 1.0, "Cu": 0.1})
    route = build_route("leach-only", {
        "description": "test", "steps": {"leach": {"type": "leach", "temperature": "70 degC"}},
        "edges": [{"from": "feed", "to": "leach.feed"}, {"from": "leach.leachate", "to": "product:leachate"},
                  {"from": "leach.residue", "to": "waste:residue"}, {"from": "leach.off_gas", "to": "stack"}]},
        "test")
    result = planner.plan(inv, route, basis="1 kg")
    step = result.steps["leach"]
    aqueous = load_yaml_file(db.directory / "aqueous.yaml")["solutes"]
    hkf = load_yaml_file(db.directory / "aqueous_hkf.yaml")["solutes"]

    def sensible(name, T):   # J/mol from 298.15 K: the HKF heat-capacity quartic, integrated numerically
        grid = np.linspace(298.15, T, 2001)
        cp = 8.314462618 * np.polyval(hkf[name]["cp_low"][::-1], grid)
        return float(np.sum(0.5 * (cp[1:] + cp[:-1]) * np.diff(grid)))

    def number(text):
        return float(str(text).split()[0])

    def h(amounts, T, dissolved=()):
        total = 0.0
        for i, n in enumerate(amounts):
            if not n:
                continue
            name = db.names[i]
            if name in dissolved and name in aqueous:
                e = aqueous[name]
                total += n * (number(e["h0"]) * 1000 + sensible(name, T))
            else:
                total += n * db.thermo_at(i, T).h(T) / 1000
        return total

    everything = set(db.names)
    out = sum(h(a[0], 343.15, everything if port == "leachate" else ()) for port, a in step.outlets.items())
    by_hand = out - h(result.feed[0], 298.15) - h(step.reagents[0], 298.15, {"H2O2(L)"})
    assert step.enthalpy_duty[0] == pytest.approx(by_hand, rel=1e-8)  # trapezoid rule, 2000 steps
    # duty = -(reaction heat at 70 C) + preheat of the feed and of the reagents from 25 C to 70 C
    preheat = h(result.feed[0], 343.15) - h(result.feed[0], 298.15) \
        + h(step.reagents[0], 343.15, {"H2O2(L)"}) - h(step.reagents[0], 298.15, {"H2O2(L)"})
    assert preheat > 0
    assert step.enthalpy_duty[0] == pytest.approx(-step.heat_released[0] + preheat, rel=1e-9)


def test_a_step_whose_extrapolated_data_could_move_its_heat_by_over_1_percent_refuses(planner):
    """Relithiation at 900 C: the binder's, the cathode's and liquid water's data stop far below
    (PVDF(s) T-max 600 K): the error estimate of ChemistryDB.extrapolation_error passes 1 % of
    the step's energy balance, so the plan refuses, naming the step and the species. At the
    default 220 C everything is in range (the ethanol the residue carries is stripped as vapour)."""
    with pytest.raises(InputError, match=r"step relithiate_cathode: thermo data of .*PVDF\(s\).* off by"):
        planner.plan(None, "direct-regeneration", overrides={"relithiate_cathode": {"temperature": "900 degC"}})
    cool = planner.plan(None, "direct-regeneration")
    assert not [n for n in cool.steps["relithiate_cathode"].outcome.notes if "thermo data" in n]


def test_extrapolation_error_by_hand(db):
    """ChemistryDB.extrapolation_error for 1 mol of a constant-Cp species 100 K beyond its
    T-max: the data's own continuation equals the constant-Cp one, so the estimate is the
    quarter of the sensible heat beyond the edge, 0.25 x Cp x 100 K. LiBH4(s): T-max 380 K."""
    i = db.index["LiBH4(s)"]
    _, hi = db.temperature_range()
    amounts = np.zeros((1, db.n_species))
    amounts[0, i] = 1.0
    cp = db.thermo_at(i, hi[i]).cp(hi[i]) / 1000.0
    error, names = db.extrapolation_error(amounts, hi[i] + 100.0)
    assert names == ["LiBH4(s)"]
    assert error[0] == pytest.approx(0.25 * cp * 100.0, rel=1e-9)
    assert db.extrapolation_error(amounts, hi[i] + 20.0)[0][0] == 0.0     # within the 25 K margin
