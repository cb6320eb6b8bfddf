"""Economics: a hand-calculated opex, linearity in prices, closure of the breakdown,
revenue vs product masses, and the capital scaling law."""
from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from conftest import bom_inventory
from typer.testing import CliRunner

from cli import app
from recycle.economics import crf, economics
from recycle.flowsheet import build_route
from recycle.prices import load_prices

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
    """Opex = electricity + argon + labour + dust disposal + maintenance, by hand from the data files."""
    route = build_route("shred-only", SHRED_ONLY, "test")
    result = planner.plan(bom_inventory(planner, {"NCM811": 1.0, "Cu": 1.0}), route, basis="10 t/day")
    e = economics(result, prices)
    t_y = 10 * 336                                           # t/year: 10 t/day, 336 operating days
    electricity = 30 * t_y * 0.0806                          # 30 kWh/t x 0.0806 USD/kWh
    argon_kg = 50 * t_y / 0.0244654 * 0.039948               # 50 m3/t at 25 C, 1 atm -> kg
    argon = argon_kg * prices.get("argon").value
    labour = 1 * 5 * 2080 * 31.47 * 1.6                      # 1 operator/shift, 5 crews, loaded wage
    dust = 0.01 * t_y * 300                                  # 1 % to the filter, hazardous solid 300 USD/t
    fixed = 7.7e6 * (t_y / 5000) ** 0.6 * 1.4 * 1.5          # line reference, OSBL 40 %, eng. + cont. 50 %
    maintenance = 0.04 * fixed
    expected = electricity + argon + labour + dust + maintenance
    assert e["annual"]["operating_cost"]["value"] == pytest.approx(expected, rel=1e-4)
    assert e["capital"]["fixed"]["value"] == pytest.approx(fixed, rel=1e-9)
    assert e["annual"]["capital_charge"]["value"] == pytest.approx(
        crf(0.10, 15) * fixed + 0.10 * 0.15 * fixed, rel=1e-9)


def test_breakdown_sums_to_the_totals(planner, prices):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    e = economics(result, prices)
    total = sum(line["value"]["value"] for line in e["breakdown"])
    assert total == pytest.approx(e["annual"]["net"]["value"], rel=1e-12)
    assert sum(v["value"] for v in e["by_step"].values()) == pytest.approx(total, rel=1e-12)
    assert sum(v["value"] for v in e["by_category"].values()) == pytest.approx(total, rel=1e-12)
    seconds = 336 * 86400
    assert e["net_value"]["value"] == pytest.approx(total / (10000 / 86400 * seconds), rel=1e-9)


def test_revenue_is_linear_in_price(planner, db):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    base = economics(result, load_prices(db.directory))
    double = economics(result, load_prices(db.directory, overrides={"Li2CO3": "21.04 USD/kg"}))

    def li2co3(e):
        return sum(line["value"]["value"] for line in e["breakdown"] if line["item"].startswith("Li2CO3"))

    assert li2co3(base) > 0
    assert li2co3(double) == pytest.approx(2 * li2co3(base), rel=1e-12)
    delta = double["annual"]["net"]["value"] - base["annual"]["net"]["value"]
    assert delta == pytest.approx(li2co3(base), rel=1e-9)


def test_every_product_revenue_matches_the_product_mass(planner, prices):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    e = economics(result, prices)
    db = result.db
    seconds = 336 * 86400
    for line in (l for l in e["breakdown"] if l["category"] == "revenue"):
        name, sink = line["item"].split(" (", 1)
        sink = sink.rstrip(")")
        price = prices.get(name)
        amounts = result.sinks("product")[sink][0]
        kg_y = amounts[db.index[price.species]] * db.molar_mass[db.index[price.species]] * seconds
        assert line["value"]["value"] == pytest.approx(kg_y * price.purity_factor * price.value, rel=1e-12)


def test_purity_factor_scales_a_product_revenue(planner, tmp_path, db):
    f = tmp_path / "p.yaml"
    f.write_text("products:\n  Li2CO3: {purity_factor: 0.9}\n")
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    base = economics(result, load_prices(db.directory))
    graded = economics(result, load_prices(db.directory, f))

    def li2co3(e):
        return sum(line["value"]["value"] for line in e["breakdown"] if line["item"].startswith("Li2CO3"))

    assert li2co3(graded) == pytest.approx(0.9 * li2co3(base), rel=1e-12)


def test_doubling_throughput_lowers_unit_capital_by_the_scaling_law(planner, prices):
    """Line reference with exponent 0.6: capital x 2^0.6, unit capital x 2^-0.4."""
    route = build_route("shred-only", SHRED_ONLY, "test")
    inv = bom_inventory(planner, {"NCM811": 1.0, "Cu": 1.0})
    one = economics(planner.plan(inv, route, basis="10 t/day"), prices)["capital"]
    two = economics(planner.plan(inv, route, basis="20 t/day"), prices)["capital"]
    assert two["fixed"]["value"] / one["fixed"]["value"] == pytest.approx(2 ** 0.6, rel=1e-9)
    assert two["unit"]["value"] / one["unit"]["value"] == pytest.approx(2 ** -0.4, rel=1e-9)
    # The whole hydrometallurgy route scales less than linearly too.
    a = economics(planner.plan(None, "hydrometallurgy", basis="10 t/day"), prices)["capital"]["unit"]["value"]
    b = economics(planner.plan(None, "hydrometallurgy", basis="20 t/day"), prices)["capital"]["unit"]["value"]
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
                      prices)["net_value"]["value"] for r in ("0.8", "0.9", "0.97")]
    assert nets[0] < nets[1] < nets[2]


def test_only_declared_products_are_sold(planner, prices):
    e = economics(planner.plan(None, "pyrometallurgy", basis="10 t/day"), prices)
    sold = {line["item"] for line in e["breakdown"] if line["category"] == "revenue"}
    assert sold and all(item.endswith("(alloy)") for item in sold)      # slag is a waste, not In2O3 for sale
    assert any(line["item"].startswith("slag") for line in e["breakdown"] if line["category"] == "waste")


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
        return {(b["step"], b["item"]) for b in e["breakdown"] if b["category"] == "reagent"}

    assert not {item for step, item in bought(air) if step == "smelt"} & {"oxygen", "nitrogen", "argon"}
    assert ("smelt", "oxygen") in bought(oxygen)
    assert not [n for n in air["notes"] if "N2" in n or "Ar in" in n]
