"""Every sample's greenhouse-gas linear model from a Monte Carlo batch at once
(recycle.environment.ghg_models): checked against the per-plan footprint,
``environment(sample_rows(batch, n), region).linear_model``, sample by sample. The per-plan
footprint is the reference; nothing here is a hard-coded number."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import range_samples

from recycle.batch import sample_rows
from recycle.environment import environment, factor_ranges, ghg_models
from recycle.errors import InputError
from recycle.flowsheet import available_routes, load_route

RTOL = 1e-12
SAMPLES = 6
ROUTES = sorted(available_routes())


def _values(planner, route, samples: int, seed: int) -> dict[str, np.ndarray]:
    """``samples`` values (at least 4) of every parameter of ``route`` with a range: sample 0 at
    the low end of every range, sample 1 at the high end, 2 and 3 the mixes, the others
    triangular on the range (conftest.range_samples)."""
    return range_samples(planner, route, max(samples - 4, 0), seed)


@pytest.fixture(scope="module")
def batches(planner):
    """route id -> a batch of SAMPLES samples of the example inventory at 10 t/day (cached)."""
    cache = {}

    def get(route_id):
        if route_id not in cache:
            route = load_route(route_id)
            values = _values(planner, route, SAMPLES, seed=17)
            assert values, f"{route_id} has no parameter with a range"
            cache[route_id] = planner.plan_batch(None, route, "10 t/day", values, batch_equilibria=True)
        return cache[route_id]

    return get


def _same(a, b, what: str):
    """a equals b to RTOL relative (exactly where b is 0)."""
    assert abs(a - b) <= RTOL * abs(b), f"{what}: {a!r} against {b!r}"


def assert_models_equal_plans(models, batch, region):
    """Sample by sample: the constant and every coefficient of ``models`` equal the linear model
    of ``environment`` run on the sample's own two rows; a factor the batch names that the
    sample's own model lacks is 0 in that sample, and every factor is named by some sample."""
    named = set()
    for n in range(len(batch.feed) // 2):
        own = environment(sample_rows(batch, n), region).linear_model
        named |= set(own.coefficients)
        _same(models.constant[n], own.constant, f"sample {n} constant")
        for key, activity in models.coefficients.items():
            assert activity.shape == (len(batch.feed) // 2,), key
            _same(activity[n], own.coefficients.get(key, 0.0), f"sample {n} {key}")
    assert set(models.coefficients) == named


@pytest.mark.parametrize("region", ["US", "EU"])
@pytest.mark.parametrize("route_id", ROUTES)
def test_every_sample_model_equals_the_footprint_of_its_own_rows(planner, batches, route_id, region):
    """For every shipped route and two grid regions, a batch of 6 samples of every parameter
    with a range (sample 0 all low ends, sample 1 all high ends): the vectorised constant (direct
    GHG, kg CO2e/kg) and every coefficient (kWh, GJ of fuel, kg of each reagent per kg of cells)
    equal, per sample, environment(sample_rows(batch, n), region).linear_model to 1e-12
    relative; the samples differ (the check is not of one repeated number)."""
    batch = batches(route_id)
    models = ghg_models(batch, region)
    assert models.region == environment(sample_rows(batch, 0), region).region == region
    assert models.constant.shape == (SAMPLES,)
    assert_models_equal_plans(models, batch, region)
    moved = [k for k, v in models.coefficients.items() if np.ptp(v) > 0]
    assert moved or np.ptp(models.constant) > 0, "no sample differs from another"


@pytest.mark.parametrize("route_id", ["hydrometallurgy", "pyrometallurgy"])
def test_totals_at_the_file_factors_equal_each_sample_ghg_total(planner, batches, route_id):
    """GhgModels.total at the emission factors of chemistry/emission_factors.yaml (the values of
    factor_ranges, named as the models name them; region given in lower case) equals each
    sample's environment(sample_rows(batch, n), "China").ghg.total, direct + electricity + fuel
    + reagents added by step, to 1e-12 relative; credits asked for do not change it."""
    batch = batches(route_id)
    models = ghg_models(batch, "china")
    base = {k: value for k, (_low, value, _high) in factor_ranges(planner.db).items()}
    totals = models.total(base)
    for n in range(SAMPLES):
        footprint = environment(sample_rows(batch, n), "China", credits=True)
        assert footprint.credits is not None
        _same(totals[n], footprint.ghg.total, f"sample {n} total")
    drawn = {k: np.full(SAMPLES, v) for k, v in base.items()}       # per-sample factors, as a Monte Carlo draws them
    np.testing.assert_array_equal(models.total(drawn), totals)


def test_credits_do_not_enter_the_linear_model(planner, batches):
    """The linear model is the process total only: environment with credits=True gives the
    same linear model as with credits=False, and both equal ghg_models' sample (credits
    avoided are reported apart and never added, recycle.environment)."""
    batch = batches("direct-regeneration")
    models = ghg_models(batch, "EU")
    for n in (0, 1):
        rows = sample_rows(batch, n)
        with_credits = environment(rows, "EU", credits=True)
        assert with_credits.credits.total > 0
        assert with_credits.linear_model == environment(rows, "EU").linear_model
        _same(models.constant[n], with_credits.linear_model.constant, "constant")
        for key, value in with_credits.linear_model.coefficients.items():
            _same(models.coefficients[key][n], value, key)


@pytest.mark.parametrize("cell", ["LLZO-NCM811-LI", "LATP-LFP-LI"])
def test_other_cells_on_the_hydrometallurgical_route(planner, cell):
    """Single catalogue cells (oxide and phosphate electrolytes: other reagents and gases) on the
    hydrometallurgical route at 2 t/day: each sample's model equals its own rows' footprint
    (environment(sample_rows(...), "World").linear_model) to 1e-12 relative."""
    route = load_route("hydrometallurgy")
    batch = planner.plan_batch(planner.cell_inventory(cell, 0.3), route, "2 t/day", _values(planner, route, 4, seed=5))
    assert_models_equal_plans(ghg_models(batch, "World"), batch, "World")


def test_a_reagent_some_samples_do_not_buy_is_zero_in_those(planner):
    """Oxide cells (LLZO, discharged) in the smelter: the sample at the high end of every range
    buys no O2 (its own footprint's linear model has no "reagents.O2"), the one at the low end
    does. The batch
    names O2 once, with 0 for that sample and each other sample's own amount (against
    environment(sample_rows(...)).linear_model, 1e-12 relative)."""
    route = load_route("pyrometallurgy")
    batch = planner.plan_batch(planner.cell_inventory("LLZO-NCM811-LI", 0.0), route, "10 t/day",
                               _values(planner, route, 3, seed=1), batch_equilibria=True)
    models = ghg_models(batch, "US")
    buys = np.array(["reagents.O2" in environment(sample_rows(batch, n), "US").linear_model.coefficients
                     for n in range(len(models.constant))])
    assert not buys[1] and buys[0] and buys.any() and not buys.all()
    o2 = models.coefficients["reagents.O2"]
    assert np.all(o2[~buys] == 0) and np.all(o2[buys] > 0)
    assert_models_equal_plans(models, batch, "US")


def test_a_plan_is_a_batch_of_one(planner):
    """A plan (two rows) gives one model, equal to its environment().linear_model to the last bit
    (the same computation on the same row)."""
    plan = planner.plan(None, "hydrometallurgy", "10 t/day")
    models = ghg_models(plan, "US")
    own = environment(plan, "US").linear_model
    assert models.constant.tolist() == [own.constant]
    assert {k: v.tolist() for k, v in models.coefficients.items()} == {k: [v] for k, v in own.coefficients.items()}
    assert models.units == own.units


def test_what_is_refused(planner, batches):
    """An unknown region and a plan on a batch basis (no throughput) are refused as environment
    refuses them, and a total without a factor the model names says which."""
    batch = batches("hydrometallurgy")
    with pytest.raises(InputError, match="unknown region"):
        ghg_models(batch, "Mars")
    with pytest.raises(InputError, match="throughput"):
        ghg_models(planner.plan(None, "hydrometallurgy", "1 t"))
    with pytest.raises(InputError, match="fuel.natural_gas"):
        ghg_models(batch).total({"electricity.US": 0.4})
