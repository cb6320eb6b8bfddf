"""Exact Monte Carlo against the surrogate on the same samples (recycle/exact_mc.py; issue 21's
Done-when: equal where the model is linear, different where it is not, difference reported)."""
from __future__ import annotations

import numpy as np
import pytest

from recycle.exact_mc import exact_monte_carlo
from recycle.prices import load_prices


@pytest.fixture(scope="module")
def prices(planner):
    return load_prices(planner.db.directory)


def test_exact_equals_the_surrogate_where_the_model_is_linear(planner, prices):
    """With only prices and finance factors sampled, both evaluate the base plan's price model
    (net value is linear in the prices for a given plan) and the closed-form capital charge: they
    agree to round-off on every sample."""
    out = exact_monte_carlo(planner, None, "hydrometallurgy", "10 t/day", {}, prices, 12, seed=2, parameters=[])
    assert out.evaluated == 12 and not out.infeasible
    np.testing.assert_allclose(out.samples_exact, out.samples_surrogate, rtol=0, atol=1e-9)
    assert out.surrogate_error.max_abs < 1e-9
    # GHG is linear in the emission factors for a given plan: the same holds for it (to 1e-9: the
    # surrogate's base run is a row of the batch of its runs, the exact samples rows of another;
    # their flares' equilibria are solved together in each, and agree to round-off)
    np.testing.assert_allclose(out.samples_ghg_exact, out.samples_ghg_surrogate, rtol=1e-9, atol=1e-12)
    assert out.ghg_surrogate_error.max_abs < 1e-9 and len(set(out.samples_ghg_exact)) == 12


def test_exact_differs_where_the_response_is_capped(planner, prices):
    """Li2CO3 recovery in the precipitation is capped by the carbonate's solubility in the brine:
    net value is not linear in precipitate.lithium_recovery, so the surrogate's interpolation
    between the low, base and high runs misses the exact plans between them; the difference is
    reported (and stays small against the spread of the net value)."""
    out = exact_monte_carlo(planner, None, "hydrometallurgy", "10 t/day", {}, prices, 10, seed=1,
                            parameters=["precipitate.lithium_recovery"])
    exact, surrogate = np.array(out.samples_exact), np.array(out.samples_surrogate)
    assert np.max(np.abs(exact - surrogate)) > 1e-4
    assert out.surrogate_error.max_abs == pytest.approx(np.max(np.abs(exact - surrogate)), rel=1e-12)
    spread = out.net_value_exact.p95 - out.net_value_exact.p5
    assert out.surrogate_error.max_abs < 0.2 * spread


def test_exact_ghg_differs_from_the_surrogate_where_a_parameter_is_not_linear(planner, prices):
    """With every parameter sampled, the exact GHG of each sample (its own footprint model at
    its drawn emission factors) differs from the surrogate's first-order interpolation between
    the low, base and high runs (parameters interact: the reagents bought and the gas burnt
    depend on several at once), and the difference is the one reported."""
    out = exact_monte_carlo(planner, None, "hydrometallurgy", "10 t/day", {}, prices, 16, seed=3, chunk=8)
    exact, surrogate = np.array(out.samples_ghg_exact), np.array(out.samples_ghg_surrogate)
    assert np.max(np.abs(exact - surrogate)) > 1e-9
    assert out.ghg_surrogate_error.max_abs == pytest.approx(np.max(np.abs(exact - surrogate)), rel=1e-12)
    assert out.ghg_exact.p5 <= out.ghg_exact.p50 <= out.ghg_exact.p95


@pytest.mark.parametrize("route_id", ["hydrometallurgy", "hybrid"])
def test_chunks_solved_together_equal_the_per_sample_plans(planner, prices, route_id):
    """Chunks of 8 samples (16 rows: the flare's equilibria solved together, checked against
    Cantera) give every sample the net value and GHG of its own full plan (method "loop", every
    equilibrium by Cantera) to 1e-8 relative: the flare's rows agree with Cantera to 1e-8 of
    their flow (tests/test_batch_equilibria.py); and the route risk of its own scenarios."""
    args = (planner, None, route_id, "10 t/day", {}, prices, 16)
    batch = exact_monte_carlo(*args, seed=6, chunk=8)
    loop = exact_monte_carlo(*args, seed=6, method="loop")
    np.testing.assert_allclose(batch.samples_exact, loop.samples_exact, rtol=1e-8)
    np.testing.assert_allclose(batch.samples_ghg_exact, loop.samples_ghg_exact, rtol=1e-8)
    assert batch.samples_risk_exact == loop.samples_risk_exact        # each sample's own audit's scenarios
    assert batch.samples_safety_score_exact == loop.samples_safety_score_exact     # and its own audit's index


def test_smelter_chunks_solved_together_equal_cantera_per_row(planner, prices):
    """Pyrometallurgy in chunks of 8 samples with the smelter's and flare's equilibria solved
    together against the same chunks with every row by Cantera: net value and GHG of every
    sample within 1e-5 relative (Cantera's metering of the oxidant stops within 1e-6 of the CO2
    share; the rows solved together meet it exactly)."""
    args = (planner, None, "pyrometallurgy", "10 t/day", {}, prices, 16)
    together = exact_monte_carlo(*args, seed=7, chunk=8)
    cantera = exact_monte_carlo(*args, seed=7, chunk=8, batch_equilibria=False)
    np.testing.assert_allclose(together.samples_exact, cantera.samples_exact, rtol=1e-5)
    np.testing.assert_allclose(together.samples_ghg_exact, cantera.samples_ghg_exact, rtol=1e-5)


def test_exact_samples_follow_their_seed_and_refuse_an_unknown_parameter(planner, prices):
    from recycle.errors import InputError

    a = exact_monte_carlo(planner, None, "pyrometallurgy", "10 t/day", {}, prices, 3, seed=5)
    b = exact_monte_carlo(planner, None, "pyrometallurgy", "10 t/day", {}, prices, 3, seed=5)
    assert a.samples_exact == b.samples_exact
    with pytest.raises(InputError, match="no range"):
        exact_monte_carlo(planner, None, "pyrometallurgy", "10 t/day", {}, prices, 2, parameters=["smelt.nothing"])


def test_cli_sensitivity_reports_the_surrogate_error():
    import json

    from typer.testing import CliRunner

    from cli import app

    res = CliRunner().invoke(app, ["sensitivity", "--route", "pyrometallurgy", "--exact", "3", "--format", "json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)["exact_monte_carlo"]
    assert doc["evaluated"] == 3 and doc["surrogate_error"]["rms"]["unit"] == "USD/kg"
    assert doc["net_value_exact"]["p50"]["unit"] == "USD/kg"
    assert doc["ghg_exact"]["p50"]["unit"] == doc["ghg_surrogate_error"]["rms"]["unit"] == "kg CO2e/kg"
    assert doc["safety_score_exact"]["p50"]["unit"] == "points" and len(doc["samples_risk_exact"]) == 3
    text = CliRunner().invoke(app, ["sensitivity", "--route", "pyrometallurgy", "--exact", "3"])
    assert "each sample's own route risk p5/p50/p95" in text.stdout


def test_exact_monte_carlo_names_the_route_by_its_id_when_given_a_file(planner, prices, tmp_path):
    """A route given as a YAML file is named by its id in the result, as in the rest of the
    sensitivity JSON (it used to carry the file path)."""
    from recycle.flowsheet import load_route
    from recycle.resources import flowsheets_dir

    path = tmp_path / "my-route.yaml"
    path.write_text((flowsheets_dir() / "hydrometallurgy.yaml").read_text())
    out = exact_monte_carlo(planner, None, str(path), "10 t/day", {}, prices, 2, seed=1, parameters=[])
    assert out.route == load_route(str(path)).id and str(tmp_path) not in out.route


def test_the_samples_are_those_of_the_surrogate_monte_carlo(planner, prices):
    """For one seed and one route the exact Monte Carlo draws what recycle.uncertainty's
    monte_carlo draws, in the same order (prices, finance, emission factors, parameters): its
    surrogate values have the percentiles monte_carlo reports for net value and GHG."""
    from recycle.uncertainty import monte_carlo, route_model

    model = route_model(planner, None, "hydrometallurgy", "10 t/day", {}, prices)
    out = exact_monte_carlo(planner, None, "hydrometallurgy", "10 t/day", {}, prices, 40, seed=9, model=model)
    mc = monte_carlo([model], prices, 40, 9).routes[0]
    for q in (5, 50, 95):
        assert np.percentile(out.samples_surrogate, q) == pytest.approx(mc.net_value[f"p{q}"], rel=1e-12)
        assert np.percentile(out.samples_ghg_surrogate, q) == pytest.approx(mc.ghg[f"p{q}"], rel=1e-12)


def test_compare_monte_carlo_is_exact_by_default_and_fast_reports_its_error(planner, prices):
    """recycle compare's Monte Carlo: by default every sample's net value, GHG, route risk and
    safety index are exact, the same values recycle.exact_mc gives one route for the same seed
    (its percentiles), with the
    surrogate's error on the same samples; with ``fast`` the percentiles are the surrogate's
    (recycle.uncertainty.monte_carlo) and the error is the one an exact run of the first
    min(N, 256) samples of the seed measures."""
    from recycle.compare import compare_routes
    from recycle.uncertainty import monte_carlo, monte_carlo_comparison, route_model

    inv = planner.read_inventory(None)
    comparison = compare_routes(planner, inv, ["hydrometallurgy"], "10 t/day", {}, prices)
    exact = monte_carlo_comparison(comparison, planner, inv, "10 t/day", {}, prices, 48, 5).monte_carlo
    fast = monte_carlo_comparison(comparison, planner, inv, "10 t/day", {}, prices, 48, 5, fast=True).monte_carlo
    alone = exact_monte_carlo(planner, inv, "hydrometallurgy", "10 t/day", {}, prices, 48, seed=5)
    route = exact.routes[0]
    assert exact.method == "exact" and route.infeasible == 0
    for q in (5, 50, 95):
        assert route.net_value[f"p{q}"] == pytest.approx(getattr(alone.net_value_exact, f"p{q}"), rel=1e-12)
        assert route.ghg[f"p{q}"] == pytest.approx(getattr(alone.ghg_exact, f"p{q}"), rel=1e-12)
        assert route.risk[f"p{q}"] == getattr(alone.risk_exact, f"p{q}")                  # the samples' own
        assert route.safety_score[f"p{q}"] == getattr(alone.safety_score_exact, f"p{q}")
    assert route.surrogate_error.net_value_rms == pytest.approx(alone.surrogate_error.rms, rel=1e-9)
    assert route.surrogate_error.ghg_max == pytest.approx(alone.ghg_surrogate_error.max_abs, rel=1e-9)
    model = route_model(planner, inv, "hydrometallurgy", "10 t/day", {}, prices)
    surrogate = monte_carlo([model], prices, 48, 5).routes[0]
    assert fast.method == "surrogate" and fast.error_samples == 48
    assert fast.routes[0].net_value == pytest.approx(surrogate.net_value, rel=1e-12)
    assert fast.routes[0].surrogate_error == route.surrogate_error       # the same 48 samples, exact


def test_cli_compare_fast_says_what_it_did():
    import json

    from typer.testing import CliRunner

    from cli import app

    res = CliRunner().invoke(app, ["compare", "--routes", "hydrometallurgy", "--samples", "30", "--seed", "2",
                                   "--fast", "--format", "json"])
    assert res.exit_code == 0, res.stderr
    mc = json.loads(res.stdout)["monte_carlo"]
    assert mc["method"] == "surrogate" and mc["error_samples"] == 30
    assert mc["routes"][0]["surrogate_error"]["net_value_rms"]["unit"] == "USD/kg"
    text = CliRunner().invoke(app, ["compare", "--routes", "hydrometallurgy", "--samples", "30", "--seed", "2"])
    assert "Monte Carlo (exact: every sample planned in full, its net value, GHG, route risk and safety index" \
        in text.stdout


def test_cli_compare_writes_the_monte_carlo_table_and_says_where_it_is(tmp_path):
    """--out writes monte_carlo.csv beside compare.csv when --samples is given (its rows are the
    routes of the JSON monte_carlo), and report.md and report.html show it; --format csv says on
    stderr where the Monte Carlo is."""
    import json

    import pandas as pd
    from typer.testing import CliRunner

    from cli import app

    res = CliRunner().invoke(app, ["compare", "--routes", "hydrometallurgy", "--samples", "20", "--seed", "3",
                                   "--format", "csv", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.stderr
    assert "--out writes monte_carlo.csv" in res.stderr
    table = pd.read_csv(tmp_path / "out" / "monte_carlo.csv")
    doc = json.loads((tmp_path / "out" / "compare.json").read_text())["monte_carlo"]
    assert list(table["route"]) == [r["route"] for r in doc["routes"]]
    assert table["net value p50 [USD/kg]"][0] == pytest.approx(doc["routes"][0]["net_value"]["p50"]["value"])
    for report in ("report.md", "report.html"):          # the reports carry it too
        text = (tmp_path / "out" / report).read_text()
        assert "Monte Carlo (exact" in text and "P(lowest risk)" in text, report
