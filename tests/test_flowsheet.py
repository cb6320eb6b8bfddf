"""Route files: validated at load, errors name the file and key."""
from __future__ import annotations

import pytest
import yaml

from recycle.errors import InputError
from recycle.flowsheet import available_routes, build_route, load_route


def route_data():
    return yaml.safe_load((available_routes()["direct-regeneration"]).read_text())


def test_direct_regeneration_has_the_required_steps():
    route = load_route("direct-regeneration")
    types = {s.type for s in route.steps.values()}
    assert {"dismantle", "quench", "regenerate_sse", "scrub", "flare"} <= types
    assert route.sources and route.description


@pytest.mark.parametrize("mutate, match", [
    (lambda d: d["steps"]["quench"].update(type="quenchh"), r"steps.quench.type: unknown step type 'quenchh'; did you mean 'quench'"),
    (lambda d: d["steps"]["quench"].update(solvnt="DEC"), r"steps.quench.solvnt: unknown parameter.*did you mean 'solvent'"),
    (lambda d: d["steps"]["quench"].update(solvent="etanol"), r"steps.quench.solvent: unknown solvent 'etanol'; did you mean 'ethanol'"),
    (lambda d: d["steps"]["quench"].update(temperature="25"), r"steps.quench.temperature: '25' has no unit"),
    (lambda d: d["edges"].remove({"from": "scrub.brine", "to": "waste:brine"}), r"outlet scrub.brine goes nowhere"),
    (lambda d: d["edges"].append({"from": "scrub.brine", "to": "quench.feed"}), r"already goes to"),
    (lambda d: d["edges"].append({"from": "flare.flue_gas", "to": "nowhere.gas"}), r"unknown step 'nowhere'"),
    (lambda d: d["edges"].__setitem__(d["edges"].index({"from": "dismantle.anode", "to": "quench.feed"}),
                                      {"from": "dismantle.anode", "to": "quench.fed"}),
     r"has no inlet 'fed'; did you mean 'feed'"),
    (lambda d: d.update(stepz={}), r"stepz: unknown key"),
])
def test_bad_route_is_refused_with_key_path(mutate, match):
    data = route_data()
    mutate(data)
    with pytest.raises(InputError, match=match) as info:
        build_route("x", data, "flowsheets/x.yaml")
    assert "flowsheets/x.yaml" in str(info.value)


def test_cycle_is_refused():
    data = route_data()
    data["edges"] = [e for e in data["edges"] if e["from"] != "scrub.brine"]
    data["edges"].append({"from": "scrub.brine", "to": "flare.gas"})
    with pytest.raises(InputError, match="cycle"):
        build_route("x", data, "flowsheets/x.yaml")


def test_set_overrides_one_parameter_and_refuses_unknown_ones():
    route = load_route("direct-regeneration")
    changed = route.with_parameters({"quench": {"solvent": "DEC"}})
    assert changed.steps["quench"]["solvent"] == "DEC"
    assert route.steps["quench"]["solvent"] == "ethanol"  # the original is untouched
    with pytest.raises(InputError, match="no step 'quenc'; did you mean 'quench'"):
        route.with_parameters({"quenc": {"solvent": "DEC"}})
    with pytest.raises(InputError, match="no parameter 'solvnt'"):
        route.with_parameters({"quench": {"solvnt": "DEC"}})


@pytest.mark.parametrize("step, param, value, match", [
    ("quench", "temperature", "0 K", "outside 150-3000 K"),
    ("flare", "temperature", "-300 degC", "outside 150-3000 K"),
    ("scrub", "caustic_concentration", "0", "above 0"),
    ("quench", "max_h2_rate", "0 m^3/h", "must be positive"),
    ("dismantle", "room_volume", "-5 m^3", "negative"),
])
def test_out_of_range_parameters_are_refused(step, param, value, match):
    with pytest.raises(InputError, match=match):
        load_route("direct-regeneration").with_parameters({step: {param: value}})


def test_a_route_must_treat_the_cells_before_selling_them():
    """Whole cells 'sold' after a discharge only are refused at load (hostile input, round two:
    such a route ranked first in compare)."""
    import pytest

    from recycle.errors import InputError
    from recycle.flowsheet import build_route

    discharge_only = {"description": "t", "steps": {"d": {"type": "discharge"}},
                      "edges": [{"from": "feed", "to": "d.cells"}, {"from": "d.cells", "to": "product:cells"},
                                {"from": "d.off_gas", "to": "stack"}]}
    with pytest.raises(InputError, match="only a discharge step has touched"):
        build_route("x", discharge_only, "x.yaml")

