"""Monte Carlo and sensitivity: statistics against closed forms, determinism, large inventories."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from cli import app
from recycle.prices import load_prices
from recycle.uncertainty import RouteModel, monte_carlo, route_model, tornado

runner = CliRunner()


def test_linear_case_matches_the_triangular_closed_form(db):
    """Net = 1 + 2 p_Li2CO3 with p ~ triangular(a, c, b): median and P(best) by hand."""
    prices = load_prices(db.directory)
    p = prices.get("Li2CO3")
    a, c, b = p.low, p.value, p.high
    model = RouteModel("linear", 1.0, {"products.Li2CO3": 2.0}, 10)
    other = RouteModel("constant", 1.0 + 2.0 * c, {}, 12)
    mc = monte_carlo([model, other], prices, 200_000, seed=7)
    median = a + math.sqrt((b - a) * (c - a) / 2) if c >= (a + b) / 2 else b - math.sqrt((b - a) * (b - c) / 2)
    assert mc.routes[0].net_value["p50"] == pytest.approx(1 + 2 * median, rel=5e-3)
    # P(linear beats constant) = P(p > c) = (b - c) / (b - a) for a triangular distribution.
    assert mc.routes[0].probability_best_net_value == pytest.approx((b - c) / (b - a), abs=5e-3)
    assert mc.routes[0].probability_best_safety == 1.0          # score 10 < 12 in every sample


def test_same_seed_same_result_and_probabilities_sum_to_one():
    args = ["compare", "-f", "json", "--samples", "2000", "--seed", "11", "--routes", "hydrometallurgy",
            "--routes", "pyrometallurgy"]
    one, two = runner.invoke(app, args), runner.invoke(app, args)
    assert one.exit_code == 0, one.output
    assert one.stdout == two.stdout
    mc = json.loads(one.stdout)["monte_carlo"]
    assert sum(r["probability_best_net_value"] for r in mc["routes"]) == pytest.approx(1.0)
    other = runner.invoke(app, args[:-5] + ["12"] + args[-4:])
    assert json.loads(other.stdout)["monte_carlo"] != mc


def test_surrogate_reproduces_a_rerun_at_a_parameter_value(planner, db):
    """At a sampled parameter value the interpolated net value equals the full re-plan when the
    balance is linear in the parameter (foil recovery of the sieving)."""
    prices = load_prices(db.directory)
    inv = planner.read_inventory(None)
    model = route_model(planner, inv, "hydrometallurgy", "10 t/day", {}, prices)
    effect = next(e for e in model.effects if e.name == "separate.foil_recovery")
    theta = (effect.base + effect.high) / 2
    w = (theta - effect.base) / (effect.high - effect.base)
    prices_vec = {k: prices.prices[tuple(k.split(".", 1))].value for k in set(model.coef) | set(effect.coef[1])}
    def net(const, coef):
        return const + sum(a * prices_vec[k] for k, a in coef.items())
    surrogate = net(model.const, model.coef) + w * (net(effect.const[1], effect.coef[1]) - net(model.const, model.coef))
    rerun = route_model(planner, inv, "hydrometallurgy", "10 t/day", {"separate": {"foil_recovery": str(theta)}}, prices)
    # within 1e-5 USD/kg: the capital's six-tenths scaling makes the net value very slightly
    # nonlinear in the flows (the net value itself is near zero here, so a relative check misleads)
    assert surrogate == pytest.approx(net(rerun.const, rerun.coef), abs=1e-5)


def test_tornado_is_sorted_and_names_inputs(planner, db):
    prices = load_prices(db.directory)
    model = route_model(planner, planner.read_inventory(None), "hydrometallurgy", "10 t/day", {}, prices)
    rows = tornado(model, prices)
    swings = [abs(r.net_value_high - r.net_value_low) for r in rows]
    assert swings == sorted(swings, reverse=True)
    assert any(r.input == "price products.Li2CO3" for r in rows) and rows[0].unit_of("net_value_low") == "USD/kg"
    res = runner.invoke(app, ["sensitivity", "--route", "hydrometallurgy", "--top", "5", "-f", "csv"])
    assert res.exit_code == 0 and len(res.stdout.strip().splitlines()) == 6


def test_large_inventory_aggregates_without_changing_the_feed(planner, tmp_path):
    """6 000 rows (aggregated path) hold the same elements as the rows read one by one."""
    rng = np.random.default_rng(3)
    chems = ["LPSCL-NCM811-LI", "LATP-LFP-LI", "LIC-NCM811-LIIN"]
    lines = ["name,chemistry,count,cell_mass,soc"]
    for i in range(6000):
        lines.append(f"lot {i},{chems[i % 3]},{1 + i % 7},{['0.8 kg', '450 g'][i % 2]},{rng.choice([0.0, 0.25, 0.5])}")
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n")
    inv = planner.read_inventory(big)
    assert len(inv.rows) <= 9 and "aggregated" in inv.notes[0]
    small_a, small_b = tmp_path / "a.csv", tmp_path / "b.csv"
    small_a.write_text("\n".join(lines[:3001]) + "\n")
    small_b.write_text("\n".join(lines[:1] + lines[3001:]) + "\n")
    one_by_one = planner.read_inventory(small_a).amounts(planner.db) + planner.read_inventory(small_b).amounts(planner.db)
    np.testing.assert_allclose(inv.amounts(planner.db), one_by_one, rtol=1e-12)


def test_large_inventory_error_names_the_row(planner, tmp_path):
    lines = ["chemistry,count,cell_mass,soc"] + ["LPSCL-NCM811-LI,1,0.8 kg,0.1"] * 6000
    lines[5500] = "LPSCL-NCM811-LI,1,0.8 kg,1.7"
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n")
    res = runner.invoke(app, ["plan", str(big)])
    assert res.exit_code == 2 and "big.csv: row 5501: soc" in res.stderr and "outside 0-1" in res.stderr


def test_a_route_that_does_not_apply_is_never_best_and_ranks_last(planner):
    """LGPS cells (GeS4 units, no dissolution route): the direct and hybrid routes do not apply.
    They rank after every route that applies, whatever their risk, and the Monte Carlo gives
    them no share of 'best' (issue 17: a route that does not apply had P(best) 0.98)."""
    from recycle.compare import compare_routes
    from recycle.report.comparison import compare_json, compare_table
    from recycle.uncertainty import monte_carlo_comparison

    inv = planner.cell_inventory("LGPS-LCO-LI", 0.1)
    prices = load_prices(planner.db.directory)
    comparison = compare_routes(planner, inv, None, "10 t/day", {}, prices)
    comparison = monte_carlo_comparison(comparison, planner, inv, "10 t/day", {}, prices, 500, 1)
    doc = compare_json(comparison)
    out = {r["route"] for r in doc["routes"] if r["applicability"]["status"] == "does not apply"}
    assert out == {"direct-regeneration", "hybrid"}
    for r in doc["monte_carlo"]["routes"]:
        if r["route"] in out:
            assert r["probability_best_net_value"] == 0 and r["probability_best_safety"] == 0
    applying = [r for r in doc["monte_carlo"]["routes"] if r["route"] not in out]
    assert sum(r["probability_best_net_value"] for r in applying) == pytest.approx(1.0)
    table = compare_table(comparison)
    assert set(table["route"][-2:]) == out


def test_the_monte_carlo_samples_route_risk(db):
    """Issue 15: the Monte Carlo reports the route risk (risk_number of the rank key) and the
    probability of the lowest risk, not only the index. With one constant-risk model each, the
    lower risk wins every sample; risk_number orders like the rank key (worst, then aggregate)."""
    from recycle.scenarios import risk_number

    assert risk_number([12, 5.0]) < risk_number([12, 50.0]) < risk_number([15, 0.1])
    low = RouteModel("low", 1.0, {}, 10, risk=risk_number([9, 1.5]))
    high = RouteModel("high", 2.0, {}, 10, risk=risk_number([15, 100.0]))
    mc = monte_carlo([low, high], load_prices(db.directory), 100, 1)
    by = {r.route: r for r in mc.routes}
    assert by["low"].probability_lowest_risk == 1.0 and by["high"].probability_lowest_risk == 0.0
    assert by["low"].risk["p50"] == pytest.approx(9 + 1.5 / 2.5)


def test_correlated_prices_keep_their_margins_and_the_stated_rank_correlation():
    """Gaussian copula with rho 0.9 between two triangular prices: each margin stays triangular
    (mean (a + b + c)/3) and Spearman's rank correlation is (6/pi) asin(rho/2) = 0.8915 (the
    closed form for a Gaussian copula, Kruskal 1958); a third, ungrouped price stays uncorrelated."""
    from recycle.uncertainty import correlated_triangular

    rng = np.random.default_rng(5)
    low, mode, high = np.array([2.0, 10.0, 0.0]), np.array([5.0, 11.0, 1.0]), np.array([14.0, 30.0, 3.0])
    x = correlated_triangular(rng, low, mode, high, 200_000, [([0, 1], 0.9)])
    np.testing.assert_allclose(x.mean(axis=0), (low + mode + high) / 3, rtol=3e-3)
    ranks = np.argsort(np.argsort(x, axis=0), axis=0)
    spearman = np.corrcoef(ranks.T)
    assert spearman[0, 1] == pytest.approx(6 / math.pi * math.asin(0.45), abs=0.005)
    assert abs(spearman[0, 2]) < 0.01


def test_finance_factors_recompute_the_capital_charge_exactly(planner, db):
    """The Monte Carlo's capital charge at other finance factors (closed form from ISBL and
    reference capital) equals economics() re-run with those factors in equipment.yaml."""
    import copy

    from recycle.economics import economics
    from recycle.uncertainty import capital_cost_per_kg

    prices = load_prices(db.directory)
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    model = route_model(planner, planner.read_inventory(None), "hydrometallurgy", "10 t/day", {}, prices)
    base = {k: r[1] for k, r in model.finance.items()}
    other = {**base, "discount_rate": 0.12, "plant_life": 20.0, "contingency_fraction": 0.25, "offsite_fraction": 0.2}
    equipment = copy.deepcopy(db.data("equipment.yaml"))
    for k, v in other.items():
        equipment["general"][k]["value"] = f"{v} year" if k == "plant_life" else v
    predicted = (economics(result, prices).net_value
                 + capital_cost_per_kg(base, model.isbl, model.references)
                 - capital_cost_per_kg(other, model.isbl, model.references))
    assert economics(result, prices, equipment).net_value == pytest.approx(predicted, abs=1e-9)


def test_ghg_linear_model_reproduces_every_routes_total(planner, db):
    """GHG = direct + sum(activity x factor) for every route of the example, at the file's factors."""
    from recycle.environment import environment, factor_ranges

    factors = factor_ranges(db)
    for route in ("direct-regeneration", "hybrid", "hydrometallurgy", "pyrometallurgy"):
        env = environment(planner.plan(None, route, basis="10 t/day"))
        lm = env.linear_model
        total = lm.constant + sum(a * factors[k][1] for k, a in lm.coefficients.items())
        assert total == pytest.approx(env.ghg.total, rel=1e-12), route


def test_the_monte_carlo_samples_finance_emission_factors_and_says_so():
    res = runner.invoke(app, ["compare", "-f", "json", "--samples", "3000", "--seed", "2", "--routes", "hydrometallurgy"])
    assert res.exit_code == 0, res.output
    mc = json.loads(res.stdout)["monte_carlo"]
    assert set(mc["sampled"]["finance"]) == {"discount_rate", "plant_life", "maintenance_fraction",
                                             "working_capital_fraction", "offsite_fraction",
                                             "engineering_fraction", "contingency_fraction"}
    assert mc["sampled"]["emission_factors"] > 3 and "lithium" in mc["sampled"]["correlated_groups"]
    ghg = mc["routes"][0]["ghg"]
    assert ghg["p5"]["value"] < ghg["p50"]["value"] < ghg["p95"]["value"]
    assert ghg["p50"]["unit"] == "kg CO2e/kg"


def _refusing(routes: set[str]):
    """An exact evaluator (recycle.exact_mc.Evaluated) that refuses every sample of ``routes``
    and gives the others their surrogate values' stand-ins: net value 1, GHG 1, risk 5, index 20."""
    from recycle.exact_mc import Evaluated

    def evaluate(model, draws):
        n = len(draws.p)
        if model.route in routes:
            out = Evaluated.empty(n)
            out.infeasible += [f"sample {k}: refused" for k in range(n)]
            return out
        return Evaluated(np.ones(n), np.ones(n), np.full(n, 5.0), np.full(n, 20.0))
    return evaluate


def test_infeasible_samples_are_never_best_and_measure_no_error(db):
    """A route whose every sample is refused gets no share of best in any measure, null
    percentiles and no surrogate error (nothing was measured); when no route could plan a
    sample, that sample is nobody's best (the shares add up to less than 1)."""
    prices = load_prices(db.directory)
    a, b = RouteModel("a", 0.0, {}, 10, risk=3.0), RouteModel("b", 0.0, {}, 30, risk=9.0)
    mc = monte_carlo([a, b], prices, 40, 1, exact=_refusing({"a"}))
    by = {r.route: r for r in mc.routes}
    assert by["a"].infeasible == 40 and by["a"].surrogate_error is None
    assert all(math.isnan(v) for v in by["a"].net_value.values())
    for p in ("probability_best_net_value", "probability_best_safety", "probability_lowest_risk"):
        assert getattr(by["a"], p) == 0.0 and getattr(by["b"], p) == 1.0, p
    none = monte_carlo([a, b], prices, 40, 1, exact=_refusing({"a", "b"}))
    for r in none.routes:
        assert r.probability_best_net_value == r.probability_best_safety == r.probability_lowest_risk == 0.0


def test_a_parameter_the_user_sets_is_held_not_sampled(planner, db):
    """--set dismantle.dew_point=0 degC is a choice: the route model has no effect for it (the
    Monte Carlo does not draw it), while the parameters left alone keep theirs."""
    prices = load_prices(db.directory)
    inv = planner.read_inventory(None)
    free = {e.name for e in route_model(planner, inv, "direct-regeneration", "10 t/day", {}, prices).effects}
    held = {e.name for e in route_model(planner, inv, "direct-regeneration", "10 t/day",
                                        {"dismantle": {"dew_point": "0 degC"}}, prices).effects}
    assert "dismantle.dew_point" in free and free - held == {"dismantle.dew_point"}


def test_index_percentiles_are_scores_a_sample_has(db):
    """The index is an integer score: its percentiles are scores of samples (inverted CDF), not
    interpolated between two (a median of 37.5 points would be no score any plan has)."""
    from recycle.exact_mc import Evaluated

    def half_37_half_38(model, d):
        n = len(d.p)
        return Evaluated(np.zeros(n), np.zeros(n), np.zeros(n), np.array([37.0, 38.0] * (n // 2)))

    mc = monte_carlo([RouteModel("r", 0.0, {}, 40)], load_prices(db.directory), 40, 1, exact=half_37_half_38)
    assert mc.routes[0].safety_score["p50"] in (37.0, 38.0)


@pytest.mark.parametrize("route_id", ["direct-regeneration", "hybrid", "hydrometallurgy", "hydrometallurgy-sulfates",
                                      "pyrometallurgy"])
def test_the_surrogate_runs_planned_together_are_each_runs_own_plan(planner, db, route_id):
    """route_model plans its base and low/high runs as one batch: each run's price model, GHG
    model, capital, index and risk equal those of that run planned on its own (the base and
    the first four parameters of every route)
    (recycle.uncertainty._evaluate, every equilibrium by Cantera), to 1e-7 relative (the
    flare's and smelter's rows solved together agree with Cantera within 1e-8 of the flow and
    1e-6 of the CO2 share); a key a run's own model lacks is 0."""
    from recycle.flowsheet import load_route
    from recycle.uncertainty import _evaluate

    prices = load_prices(db.directory)
    inv = planner.read_inventory(None)
    model = route_model(planner, inv, route_id, "10 t/day", {}, prices)
    route = load_route(route_id)

    def same(a: float, b: float, what: str) -> None:
        assert a == pytest.approx(b, rel=1e-7, abs=1e-9), what

    def check(run, const, coef, score, risk, ghg_const, ghg_coef, what):
        same(const, run.const, f"{what} constant")
        for k in set(coef) | set(run.coef):
            same(coef.get(k, 0.0), run.coef.get(k, 0.0), f"{what} {k}")
        assert score == run.safety and risk == pytest.approx(run.risk, rel=1e-12), what
        same(ghg_const, run.ghg_const, f"{what} GHG")
        for k in set(ghg_coef) | set(run.ghg_coef):
            same(ghg_coef.get(k, 0.0), run.ghg_coef.get(k, 0.0), f"{what} GHG {k}")

    base = _evaluate(planner, inv, route, "10 t/day", prices, "US")
    check(base, model.const, model.coef, model.safety, model.risk, model.ghg_const, model.ghg_coef, "base")
    same(model.isbl, base.isbl, "isbl")
    for e in model.effects[:4]:
        sid, pname = e.name.split(".", 1)
        for side, text in enumerate(e.text):
            run = _evaluate(planner, inv, route.with_parameters({sid: {pname: text}}), "10 t/day", prices, "US")
            check(run, e.const[side], e.coef[side], e.safety[side], e.risk[side], e.ghg_const[side],
                  e.ghg_coef[side], f"{e.name}={text}")
