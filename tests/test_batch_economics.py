"""Every sample's economics from a batch result at once (recycle.economics.price_models, used by
the exact Monte Carlo): for each sample it equals the economics of that sample's own rows
(``economics(sample_rows(result, n), prices, discounted=False)``), which is the reference here:
the price model (constant and every coefficient), ISBL and reference capital, cells per year.
Nothing is a hard-coded number."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import range_samples

from recycle.batch import sample_rows
from recycle.economics import economics, price_models
from recycle.flowsheet import available_routes, load_route
from recycle.prices import load_prices
from recycle.resources import chemistry_dir

RTOL = 1e-12
ROUTES = sorted(available_routes())


def _samples(planner, route, draws: int = 3, seed: int = 2) -> dict[str, np.ndarray]:
    """The range's edges and ``draws`` triangular draws (conftest.range_samples)."""
    return range_samples(planner, route, draws, seed)


def _close(a: float, b: float, what: str) -> None:
    assert abs(a - b) <= RTOL * max(abs(a), abs(b), 1e-300), f"{what}: {a!r} != {b!r}"


def assert_models_equal_each_samples_economics(result, prices, samples: int) -> None:
    """price_models(result) for sample n equals economics(sample_rows(result, n)): constant,
    every coefficient (a key the sample's own model lacks is 0 in the batch, and the batch
    has every key some sample has), ISBL, references and cells per year, to RTOL relative."""
    models = price_models(result, prices)
    assert models.constant.shape == models.isbl.shape == models.references.shape == (samples,)
    keys: set[str] = set()
    for n in range(samples):
        e = economics(sample_rows(result, n), prices, discounted=False)
        lm = e.linear_model
        keys |= set(lm.coefficients)
        _close(models.constant[n], lm.constant, f"sample {n} constant")
        for k in set(lm.coefficients) | set(models.coefficients):
            assert k in models.coefficients, f"sample {n}: {k} missing from the batch"
            _close(models.coefficients[k][n], lm.coefficients.get(k, 0.0), f"sample {n} coefficient {k}")
        _close(models.isbl[n], e.capital.isbl, f"sample {n} isbl")
        _close(models.references[n], e.capital.references, f"sample {n} references")
        _close(models.cells_y[n], e.throughput * 1000.0, f"sample {n} cells per year")
    assert set(models.coefficients) == keys


@pytest.fixture(scope="module")
def prices(planner):
    return load_prices(planner.db.directory)


@pytest.fixture(scope="module")
def ma2024(planner):
    return load_prices(planner.db.directory, chemistry_dir() / "markets" / "ma2024.yaml")


@pytest.mark.parametrize("route_id", ROUTES)
def test_batch_price_models_equal_each_samples_economics(planner, prices, route_id):
    """For every shipped route, range-edge and drawn samples of all its parameters with a range
    in one batch: every sample's price model and capital from the batch arrays equal its own
    rows' economics (every line kind: revenue with purity and conversion, feed, reagents,
    utilities, waste, labour by stations and by Wessel, every sizing rule of its equipment)."""
    route = load_route(route_id)
    values = _samples(planner, route)
    result = planner.plan_batch(None, route, "10 t/day", values)
    assert_models_equal_each_samples_economics(result, prices, len(next(iter(values.values()))))


@pytest.mark.parametrize("route_id", ROUTES)
def test_batch_price_models_with_per_tonne_prices(planner, ma2024, route_id):
    """With Ma et al.'s price file (labour, capital charge and maintenance given per t of cells,
    chemistry/markets/ma2024.yaml; a feed price on the cathode species) the batch still equals
    each sample's own economics (no equipment capital: ISBL and references 0)."""
    route = load_route(route_id)
    values = _samples(planner, route)
    result = planner.plan_batch(None, route, "10 t/day", values)
    assert_models_equal_each_samples_economics(result, ma2024, len(next(iter(values.values()))))
    assert not price_models(result, ma2024).isbl.any()


@pytest.mark.parametrize("method", ["mvr", "steam"])
@pytest.mark.parametrize("book", ["default", "ma2024"])
def test_batch_price_models_of_the_sulfate_route_on_li_ion_cells(planner, prices, ma2024, method, book):
    """The sulfate route on Ma et al.'s Li-ion cell (the evaporator concentrates a Li2SO4 liquor),
    by vapour recompression (electricity, compressor sized from the step's quantity) and by
    steam (heat, no compressor): the batch equals each sample's own economics."""
    route = load_route("hydrometallurgy-sulfates").with_parameters({"evaporate": {"method": method}})
    values = _samples(planner, route, seed=5)
    result = planner.plan_batch(planner.cell_inventory("LIB-NCM622-GR", 0.0), route, "10 t/day", values)
    assert_models_equal_each_samples_economics(result, prices if book == "default" else ma2024,
                                               len(next(iter(values.values()))))


@pytest.mark.parametrize("cell", ["LLZO-NCM811-LI", "LATP-LFP-LI"])
@pytest.mark.parametrize("route_id", ["hydrometallurgy", "pyrometallurgy"])
def test_batch_price_models_for_other_cells(planner, prices, route_id, cell):
    """Oxide and phosphate cells (other products, reagents and gases) on a batch: each sample's
    price model and capital equal its own economics."""
    route = load_route(route_id)
    values = _samples(planner, route, draws=2, seed=9)
    result = planner.plan_batch(planner.cell_inventory(cell, 0.3), route, "10 t/day", values)
    assert_models_equal_each_samples_economics(result, prices, len(next(iter(values.values()))))


def test_a_plan_is_a_batch_of_one_sample(planner, prices):
    """price_models of a plan (two rows) is that plan's own economics, as one sample."""
    result = planner.plan(None, "direct-regeneration", "10 t/day")
    assert_models_equal_each_samples_economics(result, prices, 1)


def test_chunk_net_values_equal_each_samples_net_value(planner, prices):
    """_Inputs.net_values over a chunk (the exact Monte Carlo's vectorised evaluation) equals
    net_value sample by sample, and a price key the surrogate never priced is refused naming
    the first sample that has it."""
    from recycle.exact_mc import _Inputs
    from recycle.uncertainty import finance_ranges

    route = load_route("hydrometallurgy")
    values = _samples(planner, route)
    result = planner.plan_batch(None, route, "10 t/day", values)
    m = price_models(result, prices)
    s = len(m.constant)
    keys = sorted(m.coefficients)
    rng = np.random.default_rng(0)
    ranges = finance_ranges(planner.db.data("equipment.yaml"))
    base = {k: r[1] for k, r in ranges.items()}
    finance = {k: r[0] + (r[2] - r[0]) * rng.random(s) for k, r in ranges.items()}
    inputs = _Inputs(rng.random((s, len(keys))), {k: i for i, k in enumerate(keys)}, 0.8 + 0.4 * rng.random(s),
                     finance, base, np.zeros((s, 0)), {})
    chunk = inputs.net_values(0, s, m.constant, m.coefficients, m.isbl / m.cells_y, m.references / m.cells_y)
    for n in range(s):
        one = inputs.net_value(n, m.constant[n], {k: a[n] for k, a in m.coefficients.items()},
                               m.isbl[n] / m.cells_y[n], m.references[n] / m.cells_y[n])
        assert chunk[n] == pytest.approx(one, rel=1e-12, abs=1e-12)
    short = _Inputs(inputs.p[:, 1:], {k: i for i, k in enumerate(keys[1:])}, inputs.accuracy, finance, base,
                    np.zeros((s, 0)), {})
    coef = dict(m.coefficients)
    coef[keys[0]] = np.where(np.arange(s) >= 2, 1.0, 0.0)
    with pytest.raises(RuntimeError, match=f"sample 2 sells or buys \\['{keys[0]}'\\]"):
        short.net_values(0, s, m.constant, coef, m.isbl / m.cells_y, m.references / m.cells_y)


def test_sample_rows_pick_each_samples_case():
    """SampleRows: a batch's sample n reads row 2n (expected) and 2n + 1 (worst); a plan is one
    sample; a scalar or a one-row array (a value held the same on every row) is every sample's."""
    from recycle.cases import Case, SampleRows

    batch = SampleRows.batch(6)
    assert batch.at(np.arange(6.0), Case.EXPECTED).tolist() == [0.0, 2.0, 4.0]
    assert batch.at(np.arange(6.0), Case.WORST).tolist() == [1.0, 3.0, 5.0]
    assert batch.at(np.array([7.0]), Case.WORST).tolist() == [7.0, 7.0, 7.0]
    assert batch.at(2.5, Case.EXPECTED).tolist() == [2.5, 2.5, 2.5]
    plan = SampleRows.plan(2)
    assert plan.at(np.array([1.0, 9.0]), Case.WORST).tolist() == [9.0]
    assert plan.at(np.array([4.0]), Case.WORST).tolist() == [4.0]


def test_sample_rows_envelope_is_each_samples_larger_case():
    """SampleRows.envelope: per sample and column, the larger of its expected and worst row, as
    recycle.cases.envelope gives a plan's worst row (hand-built rows)."""
    from recycle.cases import Case, SampleRows, envelope

    rows = np.array([[1.0, 5.0], [3.0, 2.0], [0.0, 0.0], [-1.0, 4.0]])
    assert SampleRows.batch(4).envelope(rows).tolist() == [[3.0, 5.0], [0.0, 4.0]]
    assert SampleRows.plan(2).envelope(rows[:2]).tolist() == [envelope(rows[:2])[Case.WORST].tolist()]
