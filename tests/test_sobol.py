"""Sobol indices of a route's net value (recycle/sobol.py, SALib), against the analytic indices
of a linear model and on a shipped route."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from recycle.sobol import sobol_indices
from recycle.uncertainty import Effect, RouteModel


@dataclass
class Price:
    value: float
    low: float
    high: float


@dataclass
class Book:
    prices: dict
    correlations: dict = field(default_factory=dict)


def tri_var(a: float, c: float, b: float) -> float:
    """Variance of triangular(low a, mode c, high b): (a^2 + b^2 + c^2 - ab - ac - bc) / 18."""
    return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


def test_indices_of_a_linear_model_are_the_variance_shares():
    """Hand: net = 1 + 2 p1 - 3 p2, p1 ~ tri(0, 1, 4), p2 ~ tri(1, 2, 3) independent; the first-order
    and total indices are both a_i^2 V_i / sum (no interaction): V1 = 13/18 x 4 = 2.889,
    V2 = 3/18 x 9 = 1.5, S1 = 0.658 and 0.342."""
    book = Book({("product", "x"): Price(1, 0, 4), ("product", "y"): Price(2, 1, 3)})
    model = RouteModel("linear", 1.0, {"product.x": 2.0, "product.y": -3.0}, 0)
    v1, v2 = 4 * tri_var(0, 1, 4), 9 * tri_var(1, 2, 3)
    out = sobol_indices(model, book, samples=4096, seed=3)
    got = {r.input: r for r in out.indices}
    for name, share in (("price product.x", v1 / (v1 + v2)), ("price product.y", v2 / (v1 + v2))):
        assert got[name].S1 == pytest.approx(share, abs=0.03)
        assert got[name].ST == pytest.approx(share, abs=0.03)
    assert out.net_value_std ** 2 == pytest.approx(v1 + v2, rel=0.03)
    assert out.evaluations == 4096 * (2 + 2)


def test_a_parameter_that_scales_a_price_coefficient_interacts():
    """A process parameter that doubles what a product sells (its high run) interacts with that
    product's price: the price's total index exceeds its first-order one."""
    book = Book({("product", "x"): Price(1, 0, 2)})
    effect = Effect("step.yield", 0.0, 0.0, 1.0, ("0", "1"), (0.0, 0.0), ({"product.x": 1.0}, {"product.x": 2.0}),
                    (0, 0), "test")
    model = RouteModel("interacting", 0.0, {"product.x": 1.0}, 0, effects=[effect])
    got = {r.input: r for r in sobol_indices(model, book, samples=2048, seed=1).indices}
    assert got["price product.x"].ST > got["price product.x"].S1 + 0.02
    assert got["step.yield"].ST > got["step.yield"].S1


def test_correlated_prices_are_one_group_and_samples_must_be_a_power_of_two():
    """Hand: x and y (correlated in the price file) get one index as a group; inside the Sobol
    design they are drawn independently (the indices assume independent inputs), so the group
    holds V(x) + V(y) = 2 V of the 3 V of net = x + y + z: 0.667, and z 0.333."""
    book = Book({("product", "x"): Price(1, 0, 2), ("product", "y"): Price(1, 0, 2), ("product", "z"): Price(1, 0, 2)},
                {"metals": (["product.x", "product.y"], 0.8)})
    model = RouteModel("grouped", 0.0, {"product.x": 1.0, "product.y": 1.0, "product.z": 1.0}, 0)
    rows = {r.input: r for r in sobol_indices(model, book, samples=2048).indices}
    assert set(rows) == {"prices metals (correlated)", "price product.z"}
    assert rows["prices metals (correlated)"].ST == pytest.approx(2 / 3, abs=0.03)
    assert rows["price product.z"].S1 == pytest.approx(1 / 3, abs=0.03)
    with pytest.raises(ValueError, match="power of 2"):
        sobol_indices(model, book, samples=1000)
    with pytest.raises(ValueError, match="two independent inputs"):
        sobol_indices(RouteModel("one", 0.0, {"product.x": 1.0, "product.y": 1.0}, 0), book, samples=512)


def test_hydrometallurgy_is_driven_by_the_lithium_prices(planner):
    """On the example through hydrometallurgy (Li2CO3 is most of its revenue), the correlated
    lithium prices carry the largest total index; the intervals and the samples needed are given."""
    from recycle.prices import load_prices
    from recycle.uncertainty import route_model

    prices = load_prices(planner.db.directory)
    model = route_model(planner, planner.inventory(None), "hydrometallurgy", "10 t/day", {}, prices)
    out = sobol_indices(model, prices, samples=512, seed=1)
    assert out.indices[0].input == "prices lithium (correlated)"
    assert all(r.ST_conf >= 0 for r in out.indices)
    assert out.samples_needed >= 512 and out.samples_needed & (out.samples_needed - 1) == 0


def test_cli_sensitivity_adds_sobol_indices():
    import json

    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["sensitivity", "--route", "pyrometallurgy", "--sobol", "256", "--format", "json"])
    assert res.exit_code == 0, res.stderr
    sobol = json.loads(res.stdout)["sobol"]
    assert sobol["samples"] == 256 and sobol["indices"] and sobol["net_value_std"]["unit"] == "USD/kg"
    bad = runner.invoke(app, ["sensitivity", "--sobol", "300"])
    assert bad.exit_code == 2 and "power of 2" in bad.stderr


def test_cli_sensitivity_writes_the_sobol_table_and_says_where_it_is_in_csv(tmp_path):
    """--out writes sobol.csv (one row per input, the JSON's indices); --format csv prints the
    tornado and tells on stderr where the Sobol indices are."""
    import json

    import pandas as pd
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["sensitivity", "--route", "pyrometallurgy", "--sobol", "256", "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.stderr
    table = pd.read_csv(tmp_path / "s" / "sobol.csv")
    doc = json.loads((tmp_path / "s" / "sensitivity.json").read_text())
    assert list(table["input"]) == [r["input"] for r in doc["sobol"]["indices"]]
    csv = runner.invoke(app, ["sensitivity", "--route", "pyrometallurgy", "--sobol", "256", "--format", "csv"])
    assert csv.exit_code == 0 and "--format json" in csv.stderr and csv.stdout.startswith("input,")
