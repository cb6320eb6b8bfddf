"""Economics: a hand-calculated opex, linearity in prices, closure of the breakdown,
revenue vs product masses, and the capital scaling law."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
import yaml
from conftest import bom_inventory
from typer.testing import CliRunner

from cli import app
from recycle.economics import crf, economics
from recycle.errors import InputError
from recycle.flowsheet import build_route
from recycle.prices import load_prices
from recycle.report import to_json

SHRED_ONLY = {
    "description": "test route: shredding only",
    "steps": {"shred": {"type": "shred", "temperature": "25 degC"}},
    "edges": [{"from": "feed", "to": "shred.cells"}, {"from": "shred.shredded", "to": "product:shredded"},
              {"from": "shred.dust", "to": "waste:filter dust"}, {"from": "shred.off_gas", "to": "stack"}],
}


@pytest.fixture(scope="module")
def prices(db):
    return load_prices(db.directory)


def test_hand_calculated_opex_of_a_shredding_route(planner, prices):
    """Opex = electricity + argon + labour + dust disposal + maintenance + the cells bought, by hand
    from the data files."""
    route = build_route("shred-only", SHRED_ONLY, "test")
    result = planner.plan(bom_inventory(planner, {"NCM811": 1.0, "Cu": 1.0}), route, basis="10 t/day")
    e = economics(result, prices)
    t_y = 10 * 336                                           # t/year: 10 t/day, 336 operating days
    electricity = 30 * t_y * 0.0806                          # 30 kWh/t x 0.0806 USD/kWh
    argon_kg = 50 * t_y / 0.0244654 * 0.039948               # 50 m3/t at 25 C, 1 atm -> kg
    argon = argon_kg * prices.get("argon").value
    # Wessel (AACE eq. 10.5): 17 h/day x (10 t/day)^0.24 on duty, 5 crews of 2080 h, loaded wage
    labour = 17 * 10 ** 0.24 / 24 * 5 * 2080 * 31.47 * 1.6
    dust = 0.01 * t_y * 300                                  # 1 % to the filter, hazardous solid 300 USD/t
    fixed = 7.7e6 * (t_y / 5000) ** 0.6 * 1.4 * 1.5          # line reference, OSBL 40 %, eng. + cont. 50 %
    maintenance = 0.04 * fixed
    # cells: NCM811 = LiNi0.8Co0.1Mn0.1O2, M = 6.941 + 0.8(58.693) + 0.1(58.933) + 0.1(54.938) + 2(15.999)
    # = 97.28 g/mol, half the cell mass: payable 0.735 of Ni (14.46 USD/kg) and Co (58.1 USD/kg), 0.725 of
    # the Li as Li2CO3 equivalent (73.891 / 13.882 kg per kg Li, 10.52 USD/kg), plus 150 USD/t transport
    m = 6.941 + 0.8 * 58.693 + 0.1 * 58.933 + 0.1 * 54.938 + 2 * 15.999
    ni, co, li = (0.5 * 0.8 * 58.693 / m, 0.5 * 0.1 * 58.933 / m, 0.5 * 6.941 / m)      # kg per kg of cells
    per_kg = 0.735 * (ni * 14.46 + co * 58.1) + 0.725 * li * 73.891 / 13.882 * 10.52 + 0.150
    feed = per_kg * t_y * 1000
    assert e.feed_price == pytest.approx(per_kg, rel=1e-3)
    expected = electricity + argon + labour + dust + maintenance + feed
    assert e.annual.operating_cost == pytest.approx(expected, rel=1e-4)
    assert e.capital.fixed == pytest.approx(fixed, rel=1e-9)
    assert e.annual.capital_charge == pytest.approx(
        crf(0.10, 15) * fixed + 0.10 * 0.15 * fixed, rel=1e-9)


def test_breakdown_sums_to_the_totals(planner, prices):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    e = economics(result, prices)
    total = sum(line.value for line in e.breakdown)
    assert total == pytest.approx(e.annual.net, rel=1e-12)
    assert sum(e.by_step.values()) == pytest.approx(total, rel=1e-12)
    assert sum(e.by_category.values()) == pytest.approx(total, rel=1e-12)
    seconds = 336 * 86400
    assert e.net_value == pytest.approx(total / (10000 / 86400 * seconds), rel=1e-9)


def test_revenue_is_linear_in_price(planner, db):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    base = economics(result, load_prices(db.directory))
    double = economics(result, load_prices(db.directory, overrides={"Li2CO3": "21.04 USD/kg"}))

    def li2co3(e):
        return sum(line.value for line in e.breakdown if line.item.startswith("Li2CO3"))

    def payable_li(e):   # the cells' Li is bought at the same Li2CO3 price: it moves with it
        return sum(line.value for line in e.breakdown if line.item == "cells: payable Li")

    assert li2co3(base) > 0 and payable_li(base) < 0
    assert li2co3(double) == pytest.approx(2 * li2co3(base), rel=1e-12)
    assert payable_li(double) == pytest.approx(2 * payable_li(base), rel=1e-12)
    delta = double.annual.net - base.annual.net
    assert delta == pytest.approx(li2co3(base) + payable_li(base), rel=1e-9)


def test_every_product_revenue_matches_the_product_mass(planner, prices):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    e = economics(result, prices)
    db = result.db
    seconds = 336 * 86400
    for line in (l for l in e.breakdown if l.category == "revenue"):
        name, sink = line.item.split(" (", 1)
        sink = sink.rstrip(")")
        price = prices.get(name)
        amounts = result.sinks("product")[sink][0]
        kg_y = amounts[db.index[price.species]] * db.molar_mass[db.index[price.species]] * seconds
        assert line.value == pytest.approx(kg_y * price.purity_factor * price.value, rel=1e-12)


def test_purity_factor_scales_a_product_revenue(planner, tmp_path, db):
    f = tmp_path / "p.yaml"
    f.write_text("products:\n  Li2CO3: {purity_factor: 0.9}\n")
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    base = economics(result, load_prices(db.directory))
    graded = economics(result, load_prices(db.directory, f))

    def li2co3(e):
        return sum(line.value for line in e.breakdown if line.item.startswith("Li2CO3"))

    assert li2co3(graded) == pytest.approx(0.9 * li2co3(base), rel=1e-12)


def test_doubling_throughput_lowers_unit_capital_by_the_scaling_law(planner, prices):
    """Line reference with exponent 0.6: capital x 2^0.6, unit capital x 2^-0.4."""
    route = build_route("shred-only", SHRED_ONLY, "test")
    inv = bom_inventory(planner, {"NCM811": 1.0, "Cu": 1.0})
    one = economics(planner.plan(inv, route, basis="10 t/day"), prices).capital
    two = economics(planner.plan(inv, route, basis="20 t/day"), prices).capital
    assert two.fixed / one.fixed == pytest.approx(2 ** 0.6, rel=1e-9)
    assert two.unit_cost / one.unit_cost == pytest.approx(2 ** -0.4, rel=1e-9)
    # The whole hydrometallurgy route scales less than linearly too.
    a = economics(planner.plan(None, "hydrometallurgy", basis="10 t/day"), prices).capital.unit_cost
    b = economics(planner.plan(None, "hydrometallurgy", basis="20 t/day"), prices).capital.unit_cost
    assert b < a


def test_price_file_and_set_override(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({"products": {"Li2CO3": {"value": "100000 CNY/t"}}}))
    runner = CliRunner()
    res = runner.invoke(app, ["compare", "-f", "json", "--routes", "hydrometallurgy", "--prices", str(f)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["routes"][0]["economics"]["net_value"]["unit"] == "USD/kg"
    bad = runner.invoke(app, ["compare", "--routes", "hydrometallurgy", "--set", "price.Li2CO=1 USD/kg"])
    assert bad.exit_code == 2 and "did you mean 'Li2CO3'" in bad.stderr
    wrong_unit = runner.invoke(app, ["compare", "--routes", "hydrometallurgy", "--set", "price.Li2CO3=12 kg"])
    assert wrong_unit.exit_code == 2 and "cannot read price" in wrong_unit.stderr


def test_cny_prices_convert_with_the_file_rate(db):
    book = load_prices(db.directory, overrides={"Li2CO3": "100000 CNY/t"})
    assert book.get("Li2CO3").value == pytest.approx(100000 * 0.1421 / 1000)
    assert np.isfinite(book.get("electricity").value)


def test_compare_for_one_catalogue_chemistry():
    runner = CliRunner()
    res = runner.invoke(app, ["compare", "-f", "json", "--chemistry", "LATP-LFP-LI", "--soc", "0.3",
                              "--routes", "hydrometallurgy"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["inventory"].startswith("LATP | LFP | Li at state of charge 0.3")
    assert doc["routes"][0]["economics"]["net_value_per_kwh"]["unit"] == "USD/kWh"
    both = runner.invoke(app, ["compare", "somefile.csv", "--chemistry", "LATP-LFP-LI"])
    assert both.exit_code == 2 and "not both" in both.stderr


@pytest.mark.parametrize("step, param", [("regenerate_sse", "recovery"), ("relithiate_cathode", "recovery")])
def test_net_value_rises_with_recovery(planner, prices, step, param):
    """Recovering more of a sold product can only add revenue: unrecovered material is a waste,
    never sold (the route's `sells` lists what each product stream is sold as)."""
    nets = [economics(planner.plan(None, "direct-regeneration", basis="10 t/day", overrides={step: {param: r}}),
                      prices).net_value for r in ("0.8", "0.9", "0.97")]
    assert nets[0] < nets[1] < nets[2]


def test_only_declared_products_are_sold(planner, prices):
    e = economics(planner.plan(None, "pyrometallurgy", basis="10 t/day"), prices)
    sold = {line.item for line in e.breakdown if line.category == "revenue"}
    assert sold and all(item.endswith("(alloy)") for item in sold)      # slag is a waste, not In2O3 for sale
    assert any(line.item.startswith("slag") for line in e.breakdown if line.category == "waste")


def test_sells_must_name_a_product_sink_and_a_price(planner, prices):
    from recycle.errors import InputError
    from recycle.flowsheet import available_routes

    data = yaml.safe_load(available_routes()["pyrometallurgy"].read_text())
    bad_sink = dict(data, sells={"alloys": ["Ni_in_alloy"]})
    with pytest.raises(InputError, match="sells.alloys: no product sink of that name; did you mean 'alloy'"):
        build_route("x", bad_sink, "x.yaml")
    bad_price = dict(data, sells={"alloy": ["Nickel"]})
    route = build_route("x", bad_price, "x.yaml")
    with pytest.raises(InputError, match="x.yaml: sells.alloy: no product or reagent price 'Nickel'"):
        economics(planner.plan(None, route, basis="10 t/day"), prices)


def test_air_blown_into_the_smelter_is_not_bought(planner, prices):
    """Whether a reagent is bought is declared with the reagent: with `smelt.oxidant=air` the
    blown N2, O2 and Ar are drawn from the atmosphere (no reagent line for them); with the
    default oxygen the O2 is bought."""
    inv = planner.cell_inventory("LPSCL-NCM811-LI", 0.1)
    air = economics(planner.plan(inv, "pyrometallurgy", basis="10 t/day",
                                 overrides={"smelt": {"oxidant": "air"}}), prices)
    oxygen = economics(planner.plan(inv, "pyrometallurgy", basis="10 t/day"), prices)

    def bought(e):
        return {(b.step, b.item) for b in e.breakdown if b.category == "reagent"}

    assert not {item for step, item in bought(air) if step == "smelt"} & {"oxygen", "nitrogen", "argon"}
    assert ("smelt", "oxygen") in bought(oxygen)
    assert not [n for n in air.notes if "N2" in n or "Ar in" in n]


def test_discounted_cash_flow_by_hand():
    """One construction year (all capital), 3 operating years, no start-up derating, straight-line
    depreciation over 10 years, 21 % tax: sales 50, variable 10, fixed 10 -> taxable 30 - 10 = 20,
    tax 4.2, cash 25.8 a year; NPV at 10 % = -100 + 25.8 (1/1.1 + 1/1.21 + 1/1.331) = -35.84."""
    from recycle.cashflow import Finance, cash_flow

    f = Finance(0.10, 3, 0.21, (1.0,), 1.0, 1.0, "straight", 10)
    cf = cash_flow(100.0, 0.0, 50.0, 10.0, 10.0, f)
    assert cf.cash == pytest.approx((-100.0, 25.8, 25.8, 25.8))
    assert cf.npv == pytest.approx(-100 + 25.8 * (1 / 1.1 + 1 / 1.21 + 1 / 1.331), rel=1e-12)
    assert cf.irr is not None and cf.irr < 0 and cf.payback is None
    long = cash_flow(100.0, 0.0, 50.0, 10.0, 10.0, Finance(0.10, 10, 0.21, (1.0,), 1.0, 1.0, "straight", 10))
    assert long.payback == pytest.approx(100 / 25.8, rel=1e-12)          # 3.876 years of operation
    from recycle.cashflow import _npv
    assert _npv(list(long.cash), long.irr) == pytest.approx(0.0, abs=1e-6)


def test_npv_at_the_breakeven_feed_price_is_zero(planner, prices):
    """The break-even feed price (USD per kg of cells) puts the NPV at zero within 1e-6 of the
    fixed capital; above it the NPV is negative."""
    from recycle.cashflow import cash_flow
    from recycle.economics import _finance

    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), "direct-regeneration", basis="10 t/day")
    e = economics(result, prices)
    equipment = planner.db.data("equipment.yaml")
    finance = _finance(equipment, 0.10, 15)
    cells_y = e.throughput * 1000
    fc, wc = e.capital.fixed, e.capital.working
    revenue = e.annual.revenue
    fixed = -sum(e.by_category[c] for c in ("labour", "maintenance") if c in e.by_category)
    variable = e.annual.operating_cost - fixed
    extra = (e.breakeven_feed_price - e.feed_price) * cells_y
    assert cash_flow(fc, wc, revenue, variable + extra, fixed, finance).npv == pytest.approx(0.0, abs=1e-6 * fc)
    assert e.npv == pytest.approx(cash_flow(fc, wc, revenue, variable, fixed, finance).npv, rel=1e-12)
    doc = to_json(e)
    for key in ("npv", "irr", "payback", "breakeven_feed_price"):
        assert set(doc[key]) == {"value", "unit"} and e.quantity(key).magnitude == doc[key]["value"]
    assert e.cost_breakdown["feed"] == pytest.approx(e.feed_price, rel=1e-12)


def test_every_product_has_a_market_basis(prices):
    """Products are a traded commodity, an intermediate (with its conversion cost where it has
    one) or have no traded market, whose range starts at 0 (regenerated electrolyte, cathode)."""
    products = [p for (section, _), p in prices.prices.items() if section == "products"]
    assert products and all(p.market in ("commodity", "intermediate", "none") for p in products)
    for name in ("Li6PS5Cl", "LLZO", "NCM811", "LiFePO4"):
        assert prices.get(name).market == "none" and prices.get(name).low == 0
    assert prices.get("LiOC2H5").market == "intermediate" and prices.get("LiOC2H5").conversion_cost > 0
    assert prices.get("Cu").purity_factor < 1                 # foil scrap, not LME cathode


def test_an_intermediate_pays_its_conversion_and_unmarketed_revenue_is_named(planner, prices):
    """The direct route sells the ethanol recovered from the quench liquor (an intermediate): its
    distillation is a cost line (kg x 0.10 USD/kg); the quench's Li is sold as Li2CO3 (a
    commodity, made by the carbonate step); the share of revenue from products with no traded
    market is stated."""
    result = planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), "direct-regeneration", basis="10 t/day")
    e = economics(result, prices)
    conv = [b for b in e.breakdown if b.category == "conversion" and "ethanol_recovered" in b.item]
    sold = [b for b in e.breakdown if b.category == "revenue" and b.item.startswith("ethanol_recovered")]
    assert conv and sold
    kg = sold[0].value / prices.get("ethanol_recovered").value
    assert conv[0].value == pytest.approx(-kg * 0.10, rel=1e-9)
    assert any(b.item.startswith("Li2CO3 (lithium carbonate from the quench)") for b in e.breakdown)
    assert e.revenue_without_market > 0
    assert any("no traded market" in n for n in e.notes)


def test_a_throughput_per_year_is_per_operating_year(planner, prices):
    """10000 t/year is 10000 t over the 336 operating days (the economics' year), not over
    365.25 calendar days (which gave 9199 t/y); the basis says which year it means."""
    result = planner.plan(None, "direct-regeneration", basis="10000 t/year")
    assert economics(result, prices).throughput == pytest.approx(10000, rel=1e-9)
    assert "operating year of 336 days" in result.basis.text
    daily = planner.plan(None, "direct-regeneration", basis="10 t/day")
    assert economics(daily, prices).throughput == pytest.approx(3360, rel=1e-9)


def test_a_price_converts_at_the_rate_of_its_own_date(planner):
    """ECB annual means (chemistry/prices.yaml currencies.EUR.history): 2022 1.0530 USD/EUR.
    A price of 100 EUR/t dated 2022 is 105.30 USD/t; undated, it takes the current 1.17."""
    from recycle.prices import PriceBook

    data = {"currencies": {"EUR": {"value": "1.17 USD", "history": {"2022": {"value": "1.0530 USD"}}}},
            "reagents": {"dated": {"value": "100 EUR/t", "low": "100 EUR/t", "high": "100 EUR/t", "date": "2022-06", "unit": "USD/kg",
                                   "source": "test"},
                         "undated": {"value": "100 EUR/t", "low": "100 EUR/t", "high": "100 EUR/t", "source": "test",
                                     "unit": "USD/kg"}}}
    book = PriceBook(data, "test")
    assert book.prices[("reagents", "dated")].value == pytest.approx(0.10530, rel=1e-12)     # USD/kg
    assert book.prices[("reagents", "undated")].value == pytest.approx(0.117, rel=1e-12)
    assert book.rate("EUR", "2022-06") == 1.0530 and book.rate("EUR", "2019") == 1.17


def test_capital_estimate_accuracy_is_sampled_like_a_price(planner):
    """Issue 16: the Monte Carlo and the tornado sample the capital estimate too (AACE 18R-97
    class 4: -30 % / +50 %). Hand: the net value is linear in the factor with the coefficient
    -(capital charge + maintenance) per kg, so at factor 1.5 it drops by half of that."""
    from recycle.economics import economics
    from recycle.prices import load_prices

    result = planner.plan(None, "hydrometallurgy", "10 t/day")
    prices = load_prices(planner.db.directory)
    base = economics(result, prices)
    coef = base.linear_model.coefficients["estimates.capital_cost_factor"]
    fixed = -sum(l.value for l in base.breakdown
                 if l.category in ("capital", "maintenance")) / (base.throughput * 1000.0)
    assert coef == pytest.approx(-fixed, rel=1e-9) and coef < 0
    high = load_prices(planner.db.directory, overrides={"capital_cost_factor": "1.5"})
    assert economics(result, high).net_value == pytest.approx(
        base.net_value + 0.5 * coef, rel=1e-9)
    p = prices.get("capital_cost_factor")
    assert (p.low, p.value, p.high) == (0.7, 1.0, 1.5)


def test_dismantling_stations_staff_and_size_the_dry_room(planner, prices, db):
    """10 t/day of cells = 416.7 kg/h; at 20 kg/h per station that is 21 stations (whole ones),
    one operator each per shift (5 crews x 2080 h, loaded wage 31.47 x 1.6 USD/h), 21 x 100 m3
    of dry room (more than the 1000 m3 minimum), 21 benches in the capital."""
    from recycle.capital import capital_items, load_equipment

    result = planner.plan(None, "direct-regeneration", basis="10 t/day")
    q = result.steps["dismantle"].outcome.quantities
    assert q["stations"][0][0] == 21
    assert q["room_volume"][0][0] == pytest.approx(2100.0)
    e = economics(result, prices)
    labour = [b for b in e.breakdown if b.step == "dismantle" and b.category == "labour"]
    assert -labour[0].value == pytest.approx(21 * 5 * 2080 * 31.47 * 1.6, rel=1e-9)
    items = [i for i in capital_items(result, load_equipment(db.directory)) if i.step == "dismantle"]
    assert {i.name.split(" (")[0]: i.size for i in items}["dismantling station in the dry room"] == 21
    # the room's air handling: 25 W/m3 x 2100 m3
    assert result.steps["dismantle"].outcome.utilities["electricity"][0] == pytest.approx(25 * 2100)
    batch = planner.plan(None, "direct-regeneration", basis="500 kg")
    assert batch.steps["dismantle"].outcome.quantities["room_volume"][0][0] == pytest.approx(1000.0)


def test_operating_labour_grows_with_throughput_to_the_wessel_exponent(planner, prices):
    """Wessel (1952, via AACE eq. 10.5): work-hours per day of a step ~ capacity^0.24, so
    doubling the plant raises the quench's labour by 2^0.24 = 1.181 and lowers it per kg."""
    def quench_labour(basis):
        e = economics(planner.plan(None, "hydrometallurgy", basis=basis), prices)
        return -sum(b.value for b in e.breakdown if b.step == "quench" and b.category == "labour")

    assert quench_labour("20 t/day") / quench_labour("10 t/day") == pytest.approx(2 ** 0.24, rel=1e-9)
    assert quench_labour("10 t/day") == pytest.approx(17 * 10 ** 0.24 / 24 * 5 * 2080 * 31.47 * 1.6, rel=1e-9)


def test_a_price_file_may_give_labour_and_capital_per_tonne(planner, prices, tmp_path):
    """`per_tonne` (a published model's fixed inputs) replaces the computed lines of its category
    by one line of value x t of cells per year (hand): 100 USD/t labour, 20 USD/t capital charge,
    0 maintenance; the fixed capital is then the charge / CRF."""
    f = tmp_path / "fixed.yaml"
    f.write_text("per_tonne:\n"
                 "  labour: {value: 100 USD/t, source: test}\n"
                 "  capital_charge: {value: 20 USD/t, source: test}\n"
                 "  maintenance: {value: 0 USD/t, source: test}\n")
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    e = economics(result, load_prices(planner.db.directory, f))
    t = e.throughput
    labour = [line for line in e.breakdown if line.category == "labour"]
    assert len(labour) == 1 and labour[0].value == pytest.approx(-100 * t, rel=1e-12)
    charge = [line for line in e.breakdown if line.category == "capital" and line.item.startswith("capital charge")]
    assert len(charge) == 1 and charge[0].value == pytest.approx(-20 * t, rel=1e-12)
    assert sum(line.value for line in e.breakdown if line.category == "maintenance") == 0
    assert e.capital.fixed == pytest.approx(20 * t / crf(0.10, 15), rel=1e-9)
    computed = economics(result, prices)
    assert sum(line.value for line in computed.breakdown if line.category == "labour") != pytest.approx(-100 * t)


@pytest.mark.parametrize("entry, says", [
    ("per_tonne:\n  operators: {value: 100 USD/t, source: x}\n", "per_tonne.operators"),
    ("per_tonne:\n  labour: 100 USD/t\n", "needs value (USD/t of cells) and source"),
    ("per_tonne:\n  labour: {source: x}\n", "needs value (USD/t of cells) and source"),
    ("per_tonne:\n  - labour: {value: 1 USD/t, source: x}\n", "per_tonne: expected a mapping"),
    ("products:\n  - Li2CO3\n", "products: expected a mapping"),
])
def test_a_bad_per_tonne_entry_is_refused_with_its_key(planner, tmp_path, entry, says):
    f = tmp_path / "bad.yaml"
    f.write_text(entry)
    with pytest.raises(InputError, match=re.escape(says)):
        load_prices(planner.db.directory, f)


def test_a_capital_charge_given_alone_keeps_a_computed_maintenance(planner, tmp_path):
    """Only the capital charge given: maintenance is still computed, as the maintenance fraction x
    the fixed capital behind the given charge (hand: 4 % x 20 USD/t x t / CRF)."""
    f = tmp_path / "capital.yaml"
    f.write_text("per_tonne:\n  capital_charge: {value: 20 USD/t, source: test}\n")
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    e = economics(result, load_prices(planner.db.directory, f))
    equipment = planner.db.data("equipment.yaml")
    fraction = float(equipment["general"]["maintenance_fraction"]["value"])
    maintenance = sum(line.value for line in e.breakdown if line.category == "maintenance")
    assert maintenance == pytest.approx(-fraction * 20 * e.throughput / crf(0.10, 15), rel=1e-9)
    assert any("maintenance" in line.category for line in e.breakdown)


def test_finance_factors_do_not_move_a_capital_given_per_tonne(planner, tmp_path):
    """With the capital charge given per t, the tornado's finance and capital factors (offsites,
    discount rate, plant life, maintenance) cannot move net value: the itemised capital is not
    used, and the capital estimate's accuracy factor is not drawn. (They moved it by up to
    0.3 USD/kg when the itemised ISBL leaked into the sampling.)"""
    from recycle.uncertainty import route_model, tornado

    f = tmp_path / "capital.yaml"
    f.write_text("per_tonne:\n  capital_charge: {value: 20 USD/t, source: test}\n"
                 "  maintenance: {value: 0 USD/t, source: test}\n")
    book = load_prices(planner.db.directory, f)
    model = route_model(planner, planner.inventory(), "hydrometallurgy", "10 t/day", {}, book)
    rows = {r.input: r for r in tornado(model, book, 200)}
    assert not any("capital_cost_factor" in key for key in rows)      # a given capital is no estimate of ours
    for name in ("offsite_fraction", "engineering_fraction", "plant_life", "maintenance_fraction", "discount_rate"):
        hits = [r for key, r in rows.items() if name in key]
        assert hits, name
        for r in hits:
            assert r.net_value_low == pytest.approx(r.net_value_base, abs=1e-9)
            assert r.net_value_high == pytest.approx(r.net_value_base, abs=1e-9)


def test_economics_without_the_discounted_cash_flow_keeps_net_value_and_lines(planner, prices):
    """discounted=False (the exact Monte Carlo's entry) skips NPV, IRR, payback and break-even but
    gives the same net value, breakdown, price model and capital as the full call."""
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    full, quick = economics(result, prices), economics(result, prices, discounted=False)
    assert quick.net_value == full.net_value and quick.breakdown == full.breakdown
    assert quick.linear_model == full.linear_model and quick.capital == full.capital
    assert np.isnan(quick.npv) and quick.irr is None and quick.breakeven_feed_price is None
    assert not np.isnan(full.npv)
