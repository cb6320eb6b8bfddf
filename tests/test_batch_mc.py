"""The batch-axis Monte Carlo (recycle.batch, Planner.plan_batch, recycle.exact_mc): a batch of K
samples planned in one pass gives, row for row, what K separate plans at those parameters give.
This is the invariant that proves the vectorisation of the steps: the per-sample plan is the
reference, nothing here is a hard-coded number."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import range_samples

from recycle.audit import audit
from recycle.batch import sample_rows, with_row_values
from recycle.economics import economics
from recycle.environment import environment
from recycle.errors import InputError
from recycle.exact_mc import _as_text
from recycle.flowsheet import available_routes, load_route
from recycle.prices import load_prices
from recycle.safety import safety
from recycle.uncertainty import parameter_ranges, triangular

RTOL = 1e-9
K = 4


def _draw(planner, route, k, seed):
    """k samples of every uncertain parameter of ``route``, triangular on its range."""
    rng = np.random.default_rng(seed)
    return {name: triangular(rng, lo, base, hi, k)[:, 0]
            for name, (lo, base, hi, *_rest) in parameter_ranges(planner.db, route).items()}


def _single(planner, inventory, route, values, n, basis):
    """Sample n planned on its own: its parameters written into the route as a user would."""
    settings: dict[str, dict[str, str]] = {}
    for name, v in values.items():
        sid, pname = name.split(".", 1)
        settings.setdefault(sid, {})[pname] = _as_text(route, sid, pname, float(v[n]))
    return planner.plan(inventory, route.with_parameters(settings), basis)


def _close(a, b, what, scale=None):
    """a equals b to RTOL of ``scale`` (default: the largest magnitude in b)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(float(np.abs(b).max(initial=0.0)), scale or 0.0, 1e-300)
    assert a.shape == b.shape, what
    assert np.all(np.abs(a - b) <= RTOL * scale + 1e-300), f"{what}: {np.abs(a - b).max() / scale:.2e} relative"


def assert_same_plan(batch_rows, single):
    """Every stream, every step's balances (reagents, heat released, enthalpy duty, gas made and
    emitted), its utilities and reported quantities, equal to round-off (RTOL of the largest)."""
    assert batch_rows.streams.keys() == single.streams.keys()
    # heat and duties are differences of enthalpy sums: their round-off scales with the route's
    # largest energy, not with a step's own (often zero) net heat
    energy = max(float(np.abs(getattr(s, f)).max()) for s in single.steps.values()
                 for f in ("heat_released", "enthalpy_duty"))
    for name, (_, amounts, T) in single.streams.items():
        _close(batch_rows.streams[name][1], amounts, f"stream {name}")
        _close(np.broadcast_to(batch_rows.streams[name][2], np.shape(T)), T, f"temperature of {name}")
    for sid, s in single.steps.items():
        b = batch_rows.steps[sid]
        for field in ("inlet", "reagents", "gas_generated", "gas_emitted"):
            _close(getattr(b, field), getattr(s, field), f"{sid}.{field}")
        for field in ("heat_released", "enthalpy_duty"):
            _close(getattr(b, field), getattr(s, field), f"{sid}.{field}", energy)
        for k, v in s.outcome.utilities.items():       # cooling is minus a duty: the route's energy scale
            _close(np.broadcast_to(b.outcome.utilities[k], np.shape(v)), v, f"{sid} utility {k}",
                   energy if k == "cooling" else None)
        for k, (v, *_u) in s.outcome.quantities.items():
            _close(np.broadcast_to(b.outcome.quantities[k][0], np.shape(v)), v, f"{sid} quantity {k}")
        if s.outcome.from_air is not None:
            _close(b.outcome.from_air, s.outcome.from_air, f"{sid} from_air")


ROUTES = sorted(available_routes())


@pytest.mark.parametrize("route_id", ROUTES)
def test_batch_rows_equal_separate_plans(planner, route_id):
    """For every shipped route, K samples of all its uncertain process parameters planned as one
    batch of 2K rows give each sample's streams, heat, gas, reagents, utilities and quantities
    as planning that sample alone does (expected and worst-case rows), and so its net value and
    safety score."""
    inventory = planner.read_inventory(None)
    route = load_route(route_id)
    values = _draw(planner, route, K, seed=7)
    assert values, f"{route_id} has no uncertain parameter to sample"
    batch = planner.plan_batch(inventory, route, "10 t/day", values)
    assert len(batch.feed) == 2 * K
    prices = load_prices(planner.db.directory)
    for n in range(K):
        rows, single = sample_rows(batch, n), _single(planner, inventory, route, values, n, "10 t/day")
        assert_same_plan(rows, single)
        # what the Monte Carlo takes from a sample: its net value and its safety score
        assert economics(rows, prices).net_value == pytest.approx(economics(single, prices).net_value, rel=RTOL)
        assert safety(rows, audit(rows)).score == safety(single, audit(single)).score


@pytest.mark.parametrize("cell", ["LPSCL-NCM811-LI", "LLZO-NCM811-LI", "LATP-LFP-LI"])
@pytest.mark.parametrize("route_id", ["hydrometallurgy", "direct-regeneration"])
def test_batch_rows_equal_separate_plans_for_other_cells(planner, route_id, cell):
    """The same invariant for single catalogue cells (sulfide, oxide and phosphate electrolytes,
    which meet different reactions), on a batch basis."""
    inventory = planner.cell_inventory(cell, 0.3)
    route = load_route(route_id)
    values = _draw(planner, route, 3, seed=11)
    batch = planner.plan_batch(inventory, route, "1 t", values)
    for n in range(3):
        assert_same_plan(sample_rows(batch, n), _single(planner, inventory, route, values, n, "1 t"))


def test_a_sampled_value_outside_the_parameter_range_is_refused_naming_the_sample(planner):
    """A per-row value is checked as a value written in a route would be: a fraction above 1 is
    refused, and the message names the sample."""
    route = load_route("hydrometallurgy")
    with pytest.raises(InputError, match="sample 1"):
        with_row_values(route, {"separate.foil_recovery": np.array([0.9, 1.2, 0.95])})


@pytest.fixture(scope="module")
def prices(planner):
    from recycle.prices import load_prices

    return load_prices(planner.db.directory)


@pytest.mark.parametrize("route_id", ROUTES)
def test_exact_monte_carlo_batch_equals_the_per_sample_loop(planner, prices, route_id):
    """exact_monte_carlo on the batch axis (chunks of 2 samples, so chunks and a remainder) gives
    every sample the net value the per-sample loop gives for the same seed, and the same
    spreads and surrogate error."""
    from recycle.exact_mc import exact_monte_carlo

    args = (planner, None, route_id, "10 t/day", {}, prices, 5)
    batch = exact_monte_carlo(*args, seed=3, method="batch", chunk=2)
    loop = exact_monte_carlo(*args, seed=3, method="loop")
    assert batch.method == "batch" and loop.method == "loop" and not batch.planned_one_by_one
    assert batch.evaluated == loop.evaluated == 5
    np.testing.assert_allclose(batch.samples_exact, loop.samples_exact, rtol=RTOL)
    assert batch.samples_surrogate == loop.samples_surrogate
    assert batch.surrogate_error.rms == pytest.approx(loop.surrogate_error.rms, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("route_id", ["hydrometallurgy", "pyrometallurgy"])
def test_two_workers_give_the_values_of_one(planner, prices, route_id):
    """The chunks shared among two forked worker processes give every sample the value one
    process gives it, to the last bit (the chunks do not depend on the number of workers; in
    chunks of 8 samples the flare's and the smelter's equilibria are solved together, from
    reference rows of the chunk), and progress is reported once per sample."""
    from recycle.exact_mc import exact_monte_carlo
    from recycle.uncertainty import route_model

    model = route_model(planner, None, route_id, "10 t/day", {}, prices)
    ticks = []
    one = exact_monte_carlo(planner, None, route_id, "10 t/day", {}, prices, 20, seed=4, chunk=8, model=model)
    two = exact_monte_carlo(planner, None, route_id, "10 t/day", {}, prices, 20, seed=4, chunk=8, model=model,
                            workers=2, progress=lambda: ticks.append(1))
    assert two.samples_exact == one.samples_exact and len(ticks) == 20
    assert two.samples_ghg_exact == one.samples_ghg_exact


def test_a_refused_sample_sends_its_chunk_sample_by_sample_and_is_counted(planner, prices):
    """A sample the batch refuses (here a foil recovery above 1, outside the parameter's range)
    is not dropped silently: its chunk is planned one sample at a time (reported in
    planned_one_by_one), the refused sample is counted infeasible, and the others get the
    values the per-sample path gives them."""
    from types import SimpleNamespace

    from recycle.exact_mc import _batched, _Inputs, _Job, _per_sample
    from recycle.uncertainty import finance_ranges

    route = load_route("hydrometallurgy")
    thetas = {"separate.foil_recovery": np.array([0.93, 1.2, 0.96])}
    effects = [SimpleNamespace(name="separate.foil_recovery")]
    plan = planner.plan(None, route, "10 t/day")
    keys = sorted(economics(plan, prices).linear_model.coefficients)
    factors = sorted(environment(plan, "US").linear_model.coefficients)
    rng = np.random.default_rng(0)
    base = {k: r[1] for k, r in finance_ranges(planner.db.data("equipment.yaml")).items()}
    inputs = _Inputs(rng.random((3, len(keys))), {k: i for i, k in enumerate(keys)}, np.ones(3),
                     {k: np.full(3, v) for k, v in base.items()}, base, rng.random((3, len(factors))),
                     {k: i for i, k in enumerate(factors)})
    inventory = planner.read_inventory(None)
    job = _Job(planner, inventory, route, "10 t/day", prices, "US", effects, thetas, inputs)
    done = _batched(job, 3, None, chunk=3)
    assert len(done.one_by_one) == 1 and "sample 1" in done.one_by_one[0]
    assert len(done.infeasible) == 1 and done.infeasible[0].startswith("sample 1")
    for values in (done.net, done.ghg, done.risk, done.safety):
        assert np.isnan(values[1]) and np.isfinite(values[[0, 2]]).all()
    loop = _per_sample(planner, inventory, route, "10 t/day", prices, "US", effects, thetas, [0, 2], inputs, None)
    np.testing.assert_allclose(done.net[[0, 2]], loop.net[[0, 2]], rtol=RTOL)
    np.testing.assert_allclose(done.ghg[[0, 2]], loop.ghg[[0, 2]], rtol=RTOL)
    assert done.risk[[0, 2]].tolist() == loop.risk[[0, 2]].tolist()


def test_numpy_enthalpies_equal_cantera_at_many_temperatures(db):
    """ChemistryDB.enthalpy_at (the species' Cantera coefficients evaluated in numpy, for the
    flame exits of a batch) equals Cantera's own value (ChemistryDB.enthalpy, every species in
    the phase stable there) to 1e-9 relative, from 250 K to 2500 K, across the NASA 7 mid-points,
    the NASA 9 region bounds and the phase changes (Li(cr)/Li(L) at 453.69 K); dissolved too."""
    T = np.concatenate([np.linspace(250.0, 2500.0, 157), [453.69, 453.7, 1000.0, 631.0, 1728.0, 298.15]])
    for aqueous in (False, True):
        fast = db.enthalpy_at(T, aqueous)
        for k, t in enumerate(T):
            ref = db.enthalpy_aqueous(t) if aqueous else db.enthalpy(t)
            assert np.all(np.abs(fast[k] - ref) <= 1e-9 * np.maximum(np.abs(ref), 1e3)), (t, aqueous)


@pytest.mark.parametrize("route_id, overrides", [
    ("hydrometallurgy", {"shred": {"atmosphere": "nitrogen"}, "quench": {"solvent": "isopropanol"},
                         "leach": {"acid": "HCl"}, "scrub": {"reagent": "CaOH2"}}),
    ("direct-regeneration", {"discharge": {"method": "brine"}, "dismantle": {"atmosphere": "inert_box"},
                             "regenerate_sse": {"solvent": "acetonitrile"}, "quench": {"solvent": "DEC"}}),
])
def test_batch_rows_equal_separate_plans_with_other_choices(planner, route_id, overrides):
    """Choices stay scalar on a batch: with other atmospheres, solvents, acid and scrubbing
    reagent set on the route, the batch still equals the separate plans row for row."""
    inventory = planner.read_inventory(None)
    route = load_route(route_id).with_parameters(overrides)
    values = _draw(planner, route, 3, seed=5)
    batch = planner.plan_batch(inventory, route, "10 t/day", values)
    for n in range(3):
        assert_same_plan(sample_rows(batch, n), _single(planner, inventory, route, values, n, "10 t/day"))


def test_only_sampled_parameters_may_vary_per_row(planner):
    """plan_batch refuses a per-row value for a parameter without a range (its step is not
    tested for one): the excess air of the flare is held at the route's value."""
    with pytest.raises(InputError, match="not a sampled parameter"):
        planner.plan_batch(None, "hydrometallurgy", "10 t/day", {"flare.excess_air": np.array([1.2, 1.5])})


@pytest.mark.parametrize("route_id", ["hydrometallurgy-sulfates", "hybrid"])
def test_range_edges_in_one_batch_equal_separate_plans(planner, route_id):
    """Samples at the ends of every range in one batch (all low, all high, and the two mixed):
    caps and branches (the Li2CO3 solubility cap, the evaporator's Li2SO4 limit, the scrubber's
    excess) switch between rows of the same pass, and each sample still equals its own plan,
    findings included (the audit of its rows against the audit of its plan)."""
    inventory = planner.cell_inventory("LIB-NCM622-GR" if route_id.endswith("sulfates") else "LLZO-NCM811-LI", 0.0)
    route = load_route(route_id)
    values = range_samples(planner, route, 0, 0)
    batch = planner.plan_batch(inventory, route, "10 t/day", values)
    for n in range(len(next(iter(values.values())))):
        rows, single = sample_rows(batch, n), _single(planner, inventory, route, values, n, "10 t/day")
        assert_same_plan(rows, single)
        found = sorted((f.severity, f.step, f.gas) for f in audit(rows).findings)
        assert found == sorted((f.severity, f.step, f.gas) for f in audit(single).findings)


def _example(planner, counts=(600, 100, 200), socs=(0.05, 0.5, 0.1), masses=("0.8 kg", "0.8 kg", "0.6 kg")):
    """The built-in example's three cell rows (recycle/examples/inventory.csv) with other counts,
    states of charge and cell masses."""
    cells = ("LPSCL-NCM811-LI", "LPSCL-NCM811-LI", "LPS-NCM811-LI")
    return planner.read_inventory([{"name": f"row {i}", "chemistry": c, "count": k, "cell_mass": m, "soc": q}
                                   for i, (c, k, q, m) in enumerate(zip(cells, counts, socs, masses))])


@pytest.mark.parametrize("route_id", ROUTES)
def test_each_sample_may_have_its_own_feed(planner, route_id):
    """Feed composition per sample: one inventory per sample (the example's cells in other
    numbers, states of charge and masses), with its own parameter draws, in one pass; each
    sample's balances equal its own plan of its own inventory, and so do its price model
    (price_models), GHG model, route risk and safety index, read from the batch at once."""
    from recycle.economics import price_models
    from recycle.environment import environment, ghg_models
    from recycle.safety import safety_scores
    from recycle.scenarios import route_risk, route_risks, scenarios

    inventories = [_example(planner), _example(planner, counts=(100, 700, 20)),
                   _example(planner, socs=(0.02, 0.9, 0.4)), _example(planner, masses=("0.5 kg", "1.2 kg", "0.6 kg"))]
    route = load_route(route_id)
    values = _draw(planner, route, len(inventories), seed=13)
    batch = planner.plan_batch(inventories, route, "10 t/day", values)
    prices = load_prices(planner.db.directory)
    models, ghg, risks, scores = (price_models(batch, prices), ghg_models(batch, "US"), route_risks(batch),
                                  safety_scores(batch).expected)
    assert len(np.unique(batch.feed[::2], axis=0)) == len(inventories)       # the feeds differ
    for n, inventory in enumerate(inventories):
        single = _single(planner, inventory, route, values, n, "10 t/day")
        rows = sample_rows(batch, n)
        assert rows.inventory is inventory
        assert_same_plan(rows, single)
        own = economics(single, prices, discounted=False).linear_model
        assert models.constant[n] == pytest.approx(own.constant, rel=1e-9)
        assert ghg.constant[n] == pytest.approx(environment(single, "US").linear_model.constant, rel=1e-9, abs=1e-12)
        assert risks[n] == route_risk(scenarios(single)).number
        assert scores[n] == safety(single, audit(single)).score


def test_a_batch_refuses_inventories_that_hold_other_species(planner):
    """A sample whose feed holds other species (an oxide cell beside sulfide cells; a cell at a
    state of charge of 0, which holds no charged cathode) would meet the reactions chosen for
    the others: refused, naming the sample and the species it holds or lacks."""
    from recycle.errors import InputError

    with pytest.raises(InputError, match=r"inventory of sample 1.*holds .*Li7La3Zr2O12.*lacks .*Li6PS5Cl"):
        planner.plan_batch([_example(planner), planner.cell_inventory("LLZO-NCM811-LI", 0.3)], "hydrometallurgy",
                           "10 t/day", {})
    with pytest.raises(InputError, match=r"inventory of sample 1: its feed lacks .*state of charge of 0"):
        planner.plan_batch([planner.cell_inventory("LPSCL-NCM811-LI", 0.3), planner.cell_inventory("LPSCL-NCM811-LI", 0.0)],
                           "hydrometallurgy", "10 t/day", {})


def test_inventories_and_parameters_must_count_the_same_samples(planner):
    """Three inventories with two samples of a parameter: refused, naming both counts."""
    from recycle.errors import InputError

    route = load_route("hydrometallurgy")
    values = {k: v[:2] for k, v in _draw(planner, route, 2, seed=1).items()}
    with pytest.raises(InputError, match=r"\[2, 3\]"):
        planner.plan_batch([planner.read_inventory(None)] * 3, route, "10 t/day", values)


def test_a_key_no_run_of_the_surrogate_had_is_refused_naming_the_sample():
    """A price or an emission factor that was never drawn (no base or low/high run had it) cannot
    value a sample that uses it: refused, naming the first sample that does and the key."""
    from recycle.exact_mc import _Inputs

    inputs = _Inputs(np.ones((3, 1)), {"products.Li2CO3": 0}, np.ones(3), {}, {}, np.ones((3, 1)),
                     {"electricity.US": 0})
    used_by_1 = {"products.Li2CO3": np.ones(3), "reagents.NaOH": np.array([0.0, 2.0, 0.0])}
    with pytest.raises(RuntimeError, match=r"sample 1 sells or buys \['reagents.NaOH'\]"):
        inputs.net_values(0, 3, np.zeros(3), used_by_1, np.zeros(3), np.zeros(3))
    with pytest.raises(RuntimeError, match=r"sample 1 has GHG from \['reagents.NaOH'\]"):
        inputs.ghg_values(0, 3, np.zeros(3), {"electricity.US": np.ones(3), "reagents.NaOH": used_by_1["reagents.NaOH"]})
    assert inputs.ghg_values(0, 3, np.zeros(3), {"electricity.US": np.array([1.0, 2.0, 3.0])}).tolist() == [1.0, 2.0, 3.0]
