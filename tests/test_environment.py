"""Environmental footprint: a hand-calculated CO2 total, stack emissions equal to the balances,
region changes only the indirect part, credits kept apart from the process total."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recycle.capital import load_equipment, operating_seconds
from recycle.environment import environment
from recycle.errors import InputError
from recycle.report import to_json

# Factors of chemistry/emission_factors.yaml, written out so the test is a hand calculation.
GRID = {"US": 0.390, "EU": 0.210, "China": 0.5366}          # kg CO2e/kWh (EIA 2022, EEA 2023, MEE 2022)
NATURAL_GAS = 56.1e-3                                         # kg CO2e/MJ fuel LHV (IPCC 2006)
HEATER_EFFICIENCY = 0.85                                      # equipment.yaml general.heater_efficiency
# GWP-100, AR6; carbon gases without a GWP as the CO2 they oxidise to: CO 44.01/28.01 = 1.571, ...
GWP = {"CO2": 1, "CH4": 29.8, "CO": 1.571, "C2H4": 3.138, "C2H6": 2.927, "C2H5OH": 1.911, "CH3CN": 2.144,
       "COS": 0.733}
EMBODIED = {"NaOH(a)": 1.1, "H2SO4(L)": 0.10, "H2O2(L)": 1.2, "Na2CO3(I)": 0.8, "C2H5OH(L)": 1.3,
            "Ar": 0.2, "H2O(L)": 0.0004, "CO2": 0.25}         # kg CO2e/kg reagent
CREDIT = {"Li2CO3(s)": 6, "Ni(OH)2(s)": 8.2, "Co(OH)2(s)": 9.5, "Mn(OH)2(s)": 1.5, "Cu(cr)": 4.0, "AL(cr)": 16}
AIR = ("N2", "O2", "Ar", "H2O")


# Process electricity per t fed (step defaults; Ma et al. 2024 totals split by step)
PER_TONNE_FED = {"quench": 20, "separate": 30, "leach": 150, "precipitate": 150, "treat_water": 50, "carbonate": 100}


def electricity_kwh_per_kg(result, cells):
    """Shredder 30 kWh/t of cells, each wet step's kWh per t of solids fed, plus the scrubbers' fan
    and pump: Q (dp + rho g H L/G) / eta with the step defaults dp 2.5 kPa, H 15 m, L/G 3 L/m3,
    eta 0.65; Q at 25 C, 1 atm (24.465 L/mol)."""
    kwh = 0.0
    solids = result.db.phase_is("solid")
    for step in result.steps.values():
        if step.type == "shred":     # per kg of solids fed: the cells less what the receiving hall vented
            kwh += 30 / 1000 * float(step.inlet[0, solids] @ result.db.molar_mass[solids]) / cells
        if step.type in PER_TONNE_FED:
            solids = result.db.phase_is("solid")
            kwh += PER_TONNE_FED[step.type] / 1000 * float(step.inlet[0, solids] @ result.db.molar_mass[solids]) / cells
    for step in result.steps.values():
        if step.type in ("scrub", "acid_scrub"):
            q = step.inlet[0, result.db.is_gas].sum() * 8.314462618 * 298.15 / 101325
            kwh += q * (2500 + 1000 * 9.81 * 15 * 0.003) / 0.65 / cells / 3.6e6
    return kwh


@pytest.fixture(scope="module")
def hydro(planner):
    return planner.plan(None, "hydrometallurgy", basis="10 t/day")


def kg_per_kg(db, amounts, cells):
    """{species: kg per kg of cells} of a (n_species,) mol/s vector."""
    kg = amounts * db.molar_mass / cells
    return {db.names[i]: kg[i] for i in np.flatnonzero(kg > 0)}


def test_hand_calculated_co2_total_of_hydrometallurgy(hydro):
    """total = stack gases x GWP + electricity x grid + fuel x 56.1 kg/GJ + reagents x factors."""
    db = hydro.db
    cells = 10_000 / 86_400                                                  # kg/s: 10 t/day
    assert float(hydro.feed[0] @ db.molar_mass) == pytest.approx(cells, rel=1e-12)
    e = environment(hydro, "US")

    stack = kg_per_kg(db, hydro.sink_total("stack")[0], cells)
    direct = sum(kg * GWP.get(name, 0.0) for name, kg in stack.items())
    assert direct == pytest.approx(stack["CO2"] + 1.571 * stack.get("CO", 0.0), rel=1e-3)   # CO2 dominates
    electricity = electricity_kwh_per_kg(hydro, cells) * GRID["US"]
    assert e.ghg.direct.total == pytest.approx(direct, rel=1e-9)
    assert e.ghg.electricity.total == pytest.approx(electricity, rel=1e-9)

    fuel = sum(max(float(s.enthalpy_duty[0]), 0.0) for s in hydro.steps.values()) / cells / 1e6 \
        / HEATER_EFFICIENCY * NATURAL_GAS
    reagents = 0.0
    for step in hydro.steps.values():
        air = step.outcome.from_air[0] if step.outcome.from_air is not None else 0.0
        for name, kg in kg_per_kg(db, step.reagents[0] - air, cells).items():   # air and room moisture are free
            if step.type == "flare" and name in ("N2", "O2", "Ar"):
                continue                                                     # atmospheric air: free
            reagents += kg * EMBODIED[name]
    total = direct + electricity + fuel + reagents
    assert e.ghg.total == pytest.approx(total, rel=1e-9)
    assert e.ghg.unit_of("total") == "kg CO2e/kg" and to_json(e)["ghg"]["total"]["unit"] == "kg CO2e/kg"
    assert sum(e.ghg.by_step.values()) == pytest.approx(total, rel=1e-12)
    # per year: 10 t/day x 336 operating days
    seconds = operating_seconds(load_equipment(db.directory))
    assert seconds == 336 * 86_400
    assert e.annual.ghg_total == pytest.approx(total * 10 * 336, rel=1e-9)
    assert e.energy.electricity.total == pytest.approx(electricity_kwh_per_kg(hydro, cells) * 3.6,
                                                                          rel=1e-9)
    json.dumps(to_json(e))                                                   # JSON-ready


def test_stack_emissions_equal_the_balances_gas_emitted(planner):
    for route in ("hydrometallurgy", "pyrometallurgy"):
        result = planner.plan(None, route, basis="10 t/day")
        db = result.db
        cells = float(result.feed[0] @ db.molar_mass)
        emitted = sum(s.gas_emitted[0] for s in result.steps.values())
        g = emitted * db.molar_mass / cells * 1000.0
        air = environment(result).air_emissions
        assert air.co2 == pytest.approx(g[db.index["CO2"]], rel=1e-12)
        listed = air.pollutants
        for i, name in enumerate(db.names):
            if not db.is_gas[i] or name in AIR or name == "CO2":
                continue
            reported = listed.get(name, 0.0)
            assert reported == pytest.approx(g[i], abs=1e-9), (route, name)
        assert air.unit_of("pollutants") == "g/kg"
        assert not set(listed) & set(AIR)
    # the acid-gas scrubbers leave SO2 and HCl in the pyrometallurgy stack, H2S in the hydromet one
    # the example's chloride leaves the smelter as LiCl vapour, caught by the scrubber as fume;
    # Cl2 is an equilibrium trace of the flame (under 1e-6 g/kg)
    assert "SO2" in listed and "LiCL" in listed
    assert listed.get("CL2", 0.0) < 1e-6


def test_region_changes_only_the_indirect_electricity(hydro):
    us = environment(hydro, "US")
    for region in ("EU", "china"):
        other = environment(hydro, region)
        for part in ("direct", "fuel", "reagents"):
            assert getattr(other.ghg, part) == getattr(us.ghg, part)
        assert other.ghg.electricity.total == pytest.approx(
            us.ghg.electricity.total * GRID[other.region] / GRID["US"], rel=1e-9)
        delta = other.ghg.total - us.ghg.total
        cells = float(hydro.feed[0] @ hydro.db.molar_mass)
        kwh = electricity_kwh_per_kg(hydro, cells)
        assert delta == pytest.approx(kwh * (GRID[other.region] - GRID["US"]), rel=1e-9)
        for key in ("energy", "water", "air_emissions"):
            assert getattr(other, key) == getattr(us, key)
    with pytest.raises(InputError, match="unknown region"):
        environment(hydro, "Mars")


def test_credits_are_reported_separately(hydro):
    db = hydro.db
    cells = float(hydro.feed[0] @ db.molar_mass)
    plain = environment(hydro, "US")
    assert plain.credits is None
    e = environment(hydro, "US", credits=True)
    assert e.ghg == plain.ghg                                          # never in the total
    products = kg_per_kg(db, hydro.sink_total("product")[0], cells)
    credit = sum(kg * CREDIT[name] for name, kg in products.items() if name in CREDIT)
    assert credit > 0
    assert e.credits.total == pytest.approx(credit, rel=1e-9)
    assert e.credits.net_with_credits == pytest.approx(e.ghg.total - credit, rel=1e-9)
    assert {it.species for it in e.credits.items} == {n for n in products if n in CREDIT}


def test_water_in_and_out_from_the_balances(hydro):
    db = hydro.db
    cells = float(hydro.feed[0] @ db.molar_mass)
    w = db.index["H2O(L)"]
    water_in = sum(float(s.reagents[0, w]) for s in hydro.steps.values()) * db.molar_mass[w] / cells
    water_out = float(hydro.sink_total("waste")[0, w]) * db.molar_mass[w] / cells
    e = environment(hydro).water
    assert e.process_water_in.total == pytest.approx(water_in, rel=1e-12)
    assert e.wastewater_out.total == pytest.approx(water_out, rel=1e-12)
