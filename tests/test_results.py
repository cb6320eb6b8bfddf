"""Typed results (issue 17): frozen dataclasses whose numbers carry their unit; every unit is one
the package's pint registry reads, and the JSON is made from them in one place."""
from __future__ import annotations

import dataclasses
import json

import pytest

from recycle import audit, economics, environment, load_prices, safety
from recycle.report import to_json
from recycle.results import Measured, field_unit


def measured_fields(obj, path="result"):
    """(path, owner, field name) of every measured field with a value, recursively."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if field_unit(obj, f) is not None and value is not None:
                yield f"{path}.{f.name}", obj, f.name
            else:
                yield from measured_fields(value, f"{path}.{f.name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from measured_fields(v, f"{path}[{k!r}]")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from measured_fields(v, f"{path}[{i}]")


@pytest.fixture(scope="module")
def results(planner):
    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    return {"economics": economics(result, load_prices(planner.db.directory)),
            "safety": safety(result, audit(result)),
            "environment": environment(result, credits=True),
            "audit": audit(result, permit_region="EU")}


@pytest.mark.parametrize("name", ["economics", "safety", "environment", "audit"])
def test_every_measured_number_is_a_pint_quantity_at_the_edge(results, name):
    found = list(measured_fields(results[name], name))
    assert len(found) > 10
    for path, owner, field in found:
        assert isinstance(owner, Measured), path
        q = owner.quantity(field)
        value = getattr(owner, field)
        if isinstance(value, dict):
            assert all(q[k].magnitude == v for k, v in value.items()), path
        elif isinstance(value, tuple):
            assert [x.magnitude for x in q] == list(value), path
        else:
            assert q.magnitude == value and str(owner.unit_of(field)) is not None, path


@pytest.mark.parametrize("name", ["economics", "safety", "environment", "audit"])
def test_results_are_frozen_and_their_json_carries_value_and_unit(results, name):
    result = results[name]
    first = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, first, None)
    doc = json.loads(json.dumps(to_json(result)))
    assert doc and len(repr(result)) < 400                              # a short repr for notebooks


def test_safety_points_are_index_points_not_a_length(results):
    point = results["safety"].by_factor["equipment"]
    assert point.unit == "points" and point.quantity("value").dimensionality != {"[length]": 1}


def test_the_economics_quantities_convert(results):
    e = results["economics"]
    assert e.capital.quantity("unit_cost").to("USD / (kg/s)").magnitude == pytest.approx(
        e.capital.unit_cost / 1000 * 365.25 * 86400)                  # USD per (t/year), not USD/t/year
    assert e.quantity("net_value").to("USD/t").magnitude == pytest.approx(1000 * e.net_value)
    assert results["environment"].ghg.quantity("total").to("g CO2e/kg").magnitude == pytest.approx(
        1000 * results["environment"].ghg.total)


def test_a_percentile_of_no_feasible_sample_is_null_in_json():
    """A Monte Carlo route whose every sample was refused has no percentile (NaN inside): its
    JSON says null, and the document is strict JSON (json.dumps with allow_nan=False)."""
    from recycle.uncertainty import RouteSpread

    nan = float("nan")
    spread = {"p5": nan, "p50": nan, "p95": nan}
    route = RouteSpread(route="r", net_value=spread, safety_score=spread, risk=spread, ghg=spread,
                        probability_best_net_value=0.0, probability_best_safety=0.0, probability_lowest_risk=0.0,
                        infeasible=4)
    doc = json.loads(json.dumps(to_json(route), allow_nan=False))
    assert doc["net_value"]["p50"] == {"value": None, "unit": "USD/kg"}
    assert doc["infeasible"] == 4
