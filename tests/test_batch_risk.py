"""Every sample's route risk from a batch result at once (recycle.scenarios.route_risks, used by
the exact Monte Carlo): for each sample it equals the risk of that sample's own plan,
``route_risk(scenarios(sample_rows(result, n))).number``, which is the reference here, exactly
(the same scenarios, severities and frequencies). Nothing is a hard-coded number."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import range_samples

from recycle.batch import sample_rows
from recycle.cases import SampleRows
from recycle.flowsheet import available_routes, load_route
from recycle.scenarios import found_scenarios, route_risk, route_risks, scenarios

ROUTES = sorted(available_routes())


def assert_risks_equal_each_samples_plan(result) -> np.ndarray:
    """route_risks(result) for sample n equals route_risk(scenarios(sample_rows(result, n))).number,
    and the scenarios present in sample n are that plan's (kind, step, substance, severity);
    returns the risks."""
    risks = route_risks(result)
    samples = len(result.feed) // 2
    assert risks.shape == (samples,)
    found = found_scenarios(result, SampleRows.batch(len(result.feed)))
    for n in range(samples):
        own = scenarios(sample_rows(result, n))
        assert risks[n] == route_risk(own).number, f"sample {n}"
        mine = sorted((f.kind, f.step, f.scenario(n, []).substance, int(f.severity[n])) for f in found if f.present[n])
        assert mine == sorted((s.kind, s.step, s.substance, s.severity) for s in own), f"sample {n}"
    return risks


@pytest.mark.parametrize("route_id", ROUTES)
def test_batch_route_risks_equal_each_samples_plan(planner, route_id):
    """Every shipped route, range-edge and drawn samples of all its parameters with a range, on
    the built-in example."""
    route = load_route(route_id)
    result = planner.plan_batch(None, route, "10 t/day", range_samples(planner, route, 4, 3))
    assert_risks_equal_each_samples_plan(result)


@pytest.mark.parametrize("cell, route_id, overrides", [
    ("LPSCL-NCM811-LI", "hydrometallurgy", {"flare": {"enabled": "false"}}),
    ("LPSBR-NCM811-LI", "hydrometallurgy", {"quench": {"solvent": "none"}}),
    ("LPSCL-NCM811-LI", "direct-regeneration", {"dismantle": {"dew_point": "0 degC"}}),
    ("LLZO-NCM811-LI", "direct-regeneration", {"flare": {"enabled": "false"}}),
    ("PEO-LFP-LI", "pyrometallurgy", {}),
    ("LGPS-LCO-LI", "pyrometallurgy", {}),
    ("LIB-NCM622-GR", "hybrid", {"flare": {"enabled": "false"}}),
])
def test_batch_route_risks_with_other_cells_and_controls_off(planner, cell, route_id, overrides):
    """Cells and controls that bring other scenarios (a flammable plume past a disabled flare, Li
    meeting the acid, a damp dry room, a smelter's flue gas, a stored-cell runaway): still
    every sample's own plan."""
    route = load_route(route_id).with_parameters(overrides)
    result = planner.plan_batch(planner.cell_inventory(cell, 0.3), route, "10 t/day",
                                range_samples(planner, route, 3, 7))
    assert_risks_equal_each_samples_plan(result)


def test_route_risk_varies_with_the_samples_where_a_band_is_crossed(planner):
    """A test that could fail: on the damp dry room (0 C dew point) of a sulfide cell the samples'
    moisture and release parameters move some scenario across a severity band, so the batch's
    risks are not all one number (and each is still its own plan's)."""
    route = load_route("direct-regeneration").with_parameters({"dismantle": {"dew_point": "0 degC"}})
    result = planner.plan_batch(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), route, "10 t/day",
                                range_samples(planner, route, 8, 11))
    risks = assert_risks_equal_each_samples_plan(result)
    assert len(set(risks.tolist())) > 1


def test_a_plan_is_a_batch_of_one_sample(planner):
    """route_risks of a plan (two rows, one sample) is its own route risk."""
    result = planner.plan(None, "hydrometallurgy", "10 t/day")
    assert route_risks(result, SampleRows.plan(len(result.feed))).tolist() == [route_risk(scenarios(result)).number]


@pytest.mark.parametrize("route_id", ROUTES)
def test_the_monte_carlo_runs_read_the_plans_own_index_and_risk(planner, route_id):
    """The surrogate's base and low/high runs (recycle.uncertainty._evaluate) take the index and
    the risk from safety_scores and route_risks of the plan's one sample: the same numbers as
    safety(plan, audit(plan)) gives the comparison."""
    from recycle.audit import audit
    from recycle.prices import load_prices
    from recycle.safety import safety
    from recycle.uncertainty import _evaluate

    run = _evaluate(planner, planner.read_inventory(None), load_route(route_id), "10 t/day",
                    load_prices(planner.db.directory), "US")
    plan = planner.plan(None, route_id, "10 t/day")
    full = safety(plan, audit(plan))
    assert (run.safety, run.risk) == (full.score, full.risk.number)
