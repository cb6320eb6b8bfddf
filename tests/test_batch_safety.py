"""Every sample's inherent-safety score from a batch result at once (recycle.safety.safety_scores,
for the exact Monte Carlo): for each sample it equals the index of that sample's own rows with
their own audit (``safety(sample_rows(result, n), audit(sample_rows(result, n)))``), which is the
reference here: the expected and worst-case score and each factor's highest points. The vent
the index reads (recycle.audit.step_vent) equals each sample's audit, and the array forms of the
bands, Le Chatelier's rule and the plume maximum equal their one-value forms. Nothing is a
hard-coded result."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import range_samples

from recycle.audit import audit, step_vent
from recycle.batch import sample_rows
from recycle.cases import SampleRows
from recycle.consequence import (
    max_ground_concentration,
    max_ground_concentrations,
    plume_concentration,
)
from recycle.flowsheet import available_routes, load_route
from recycle.hazards import le_chatelier_lel, le_chatelier_lels, load_hazards
from recycle.safety import band, band_points, safety, safety_scores

ROUTES = sorted(available_routes())
OTHER_CELLS = [("LLZO-NCM811-LI", "hydrometallurgy"), ("LLZO-NCM811-LI", "pyrometallurgy"),
               ("LATP-LFP-LI", "hydrometallurgy"), ("LATP-LFP-LI", "pyrometallurgy"),
               ("LIB-NCM622-GR", "direct-regeneration")]


def _batch(planner, route_id: str, cell: str | None = None, seed: int = 3):
    """A batch of the range's edges and 3 triangular draws of every parameter of the route
    (conftest.range_samples), on the example inventory or 30 % charged ``cell``s."""
    route = load_route(route_id)
    inventory = None if cell is None else planner.cell_inventory(cell, 0.3)
    return planner.plan_batch(inventory, route, "10 t/day", range_samples(planner, route, 3, seed))


def assert_scores_equal_each_samples_safety(result) -> None:
    """safety_scores(result) for sample n equals safety(sample_rows(result, n), its audit): the
    score and the worst-case score (integers, exactly) and each factor's highest points."""
    scores = safety_scores(result)
    samples = len(result.feed) // 2
    assert scores.expected.shape == scores.worst_case.shape == (samples,)
    for n in range(samples):
        own = sample_rows(result, n)
        ref = safety(own, audit(own))
        assert (int(scores.expected[n]), int(scores.worst_case[n])) == (ref.score, ref.score_worst_case), f"sample {n}"
        for batch_factors, case in ((scores.by_factor, ref), (scores.by_factor_worst_case, ref.worst_case)):
            assert set(batch_factors) == set(case.by_factor), f"sample {n}"
            for factor, point in case.by_factor.items():
                assert int(batch_factors[factor][n]) == point.points, f"sample {n} {factor}"


@pytest.fixture(scope="module")
def batches(planner):
    """One batch per shipped route on the example inventory (made once for this module)."""
    return {route_id: _batch(planner, route_id) for route_id in ROUTES}


@pytest.mark.parametrize("route_id", ROUTES)
def test_batch_scores_equal_each_samples_safety(batches, route_id):
    """For every shipped route, range-edge and drawn samples of all its parameters in one batch:
    every sample's score and worst-case score (and per factor its points) equal its own plan's
    index with its own audit."""
    assert_scores_equal_each_samples_safety(batches[route_id])


@pytest.mark.parametrize("cell, route_id", OTHER_CELLS)
def test_batch_scores_for_other_cells(planner, cell, route_id):
    """Oxide, phosphate and graphite Li-ion cells (other gases, liquids and cathodes on a batch):
    each sample's score equals its own plan's."""
    assert_scores_equal_each_samples_safety(_batch(planner, route_id, cell, seed=9))


def test_the_scores_vary_between_samples(batches):
    """The comparison above has something to compare: on pyrometallurgy the range's edges give
    different scores (so the batch is not one sample's score repeated)."""
    scores = safety_scores(batches["pyrometallurgy"])
    assert len(set(scores.expected.tolist())) > 1 and len(set(scores.worst_case.tolist())) > 1


def test_a_plan_is_a_batch_of_one_sample(planner):
    """safety_scores of a plan (two rows) is that plan's own index, as one sample, with the
    default rows and with SampleRows.plan."""
    for route_id in ("hydrometallurgy", "pyrometallurgy"):
        result = planner.plan(None, route_id, "10 t/day")
        ref = safety(result, audit(result))
        for scores in (safety_scores(result), safety_scores(result, SampleRows.plan(len(result.feed)))):
            assert scores.expected.tolist() == [ref.score]
            assert scores.worst_case.tolist() == [ref.score_worst_case]


def test_step_vent_equals_each_samples_audit(batches, planner):
    """The vent a batch's samples hold (audit.step_vent): per step, the gases listed in sample n
    and their worst-case peak concentrations are those of that sample's own audit (ppm), and
    the mixture's LEL and combustibles are its ventilation line's (percent)."""
    result = batches["hydrometallurgy"]
    hazards = load_hazards(planner.db)
    cfg = planner.db.data("audit.yaml")
    rows = SampleRows.batch(len(result.feed))
    vents = {sid: step_vent(result, sid, rows, hazards, cfg) for sid in result.steps}
    for n in range(rows.samples):
        own = audit(sample_rows(result, n))
        for sid, vent in vents.items():
            lines = {g.gas: g.vent_peak for g in own.gases if g.step == sid}
            assert {g for g, listed in vent.listed.items() if listed[n]} == set(lines), f"sample {n} {sid}"
            for gas, ppm in lines.items():
                assert float(vent.fractions_peak[gas][n] * 1e6) == ppm, f"sample {n} {sid} {gas}"
            line = next((v for v in own.ventilation if v.step == sid and v.lel_mixture is not None), None)
            lel = vent.lel_mixture(hazards)[n]
            assert (line is None) == bool(np.isnan(lel)), f"sample {n} {sid}"
            if line is not None:
                assert (float(lel * 100), float(vent.combustibles(hazards)[n] * 100)) == \
                    (line.lel_mixture, line.combustibles)


def test_band_points_equals_band_at_edges_and_between():
    """Bands [[upper edge, points], ...], edges inclusive, a value above every edge (or NaN)
    scores the last band: by hand, 0.1 -> 6 (at the first edge), 0.11 -> 5, 10000 -> 1,
    10001 -> 0 (above the last finite edge, in the .inf band); temperature bands that are not
    monotone in points (<= 0 C scores 1, up to 70 C 0); bands whose edges do not ascend are
    read in the order written (5 is above both edges of [[4, 1], [2, 2]]: the last band's 2)."""
    toxicity = [[0.1, 6], [1, 5], [10, 4], [100, 3], [1000, 2], [10000, 1], [float("inf"), 0]]
    temperature = [[0, 1], [70, 0], [150, 1], [300, 2], [600, 3], [float("inf"), 4]]
    finite = [[20, 1], [45, 2], [70, 3], [100, 4]]
    unordered = [[4, 1], [2, 2]]
    cases = [
        (toxicity, [0.0, 0.1, 0.11, 1.0, 5.0, 10000.0, 10001.0, float("inf")], [6, 6, 5, 5, 4, 1, 0, 0]),
        (temperature, [-5.0, -0.0, 0.0, 1e-9, 70.0, 70.5, 600.0, 601.0], [1, 1, 1, 0, 0, 1, 3, 4]),
        (finite, [20.0, 44.9, 100.0, 100.1, float("nan")], [1, 2, 4, 4, 4]),
        (unordered, [5.0, 3.0, 2.0, 1.0], [2, 1, 1, 1]),
    ]
    for bands, values, points in cases:
        assert band_points(np.array(values), bands).tolist() == points
        assert [band(v, bands) for v in values] == points


def test_le_chatelier_over_samples_equals_one_mixture(planner):
    """le_chatelier_lels per sample equals le_chatelier_lel of that sample's own mixture (a gas
    at 0 in a sample is no combustible there); NaN where a sample has no combustible. By hand:
    1 % H2 (LEL 4 %) and 1 % CO (LEL 12.5 %) give 1 / (0.5 / 0.04 + 0.5 / 0.125) = 6.06 %."""
    hazards = load_hazards(planner.db)
    fractions = {"H2": np.array([0.01, 0.0, 0.02, 0.0]), "CO": np.array([0.01, 0.03, 0.0, 0.0]),
                 "N2": np.array([0.5, 0.5, 0.5, 0.5])}
    lels = le_chatelier_lels(fractions, hazards)
    for n in range(4):
        one = le_chatelier_lel({g: float(x[n]) for g, x in fractions.items()}, hazards)
        assert (one is None and np.isnan(lels[n])) or lels[n] == one
    h2, co = hazards["H2"].values["lel"].value, hazards["CO"].values["lel"].value
    assert lels[0] == pytest.approx(1 / (0.5 / h2 + 0.5 / co), rel=1e-12)


def test_max_ground_concentrations_equal_one_release_each(planner):
    """The plume maximum over many rates equals the one-release form rate by rate (0 kg/s
    included), and is no lower than plume_concentration at any distance of a coarse grid."""
    disp = planner.db.data("scenarios.yaml")["dispersion"]
    coefficients = disp["briggs"][disp["stability"]["value"]]
    rates = np.array([0.0, 1e-9, 3e-4, 0.02, 1.7])
    for height in (0.0, 20.0):
        many = max_ground_concentrations(rates, 1.5, coefficients, height)
        assert many.tolist() == [max_ground_concentration(r, 1.5, coefficients, height) for r in rates]
        for x in np.geomspace(1.0, 1e5, 41):
            assert all(m >= plume_concentration(x, r, 1.5, coefficients, height) for m, r in zip(many, rates))
