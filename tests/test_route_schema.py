"""The route format is a shipped JSON Schema (issue 17): generated from the step types, met by
every shipped route, used to check route files, and `recycle routes --export` gives a route to
edit."""
from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from cli import app
from recycle.flowsheet import available_routes
from recycle.resources import flowsheets_dir
from recycle.route_schema import schema_text
from recycle.yamlio import load_yaml_file

runner = CliRunner()


def test_the_shipped_schema_is_what_the_step_types_give():
    assert (flowsheets_dir() / "route.schema.json").read_text() == schema_text(), \
        "regenerate it: python tools/build_route_schema.py"


@pytest.mark.parametrize("route", sorted(available_routes()))
def test_every_shipped_route_meets_the_schema(route):
    schema = json.loads((flowsheets_dir() / "route.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load_yaml_file(available_routes()[route]), schema)


def test_an_exported_route_runs_as_the_shipped_one_and_schema_errors_name_the_key(tmp_path):
    path = tmp_path / "mine.yaml"
    res = runner.invoke(app, ["routes", "--export", "hydrometallurgy", "--out", str(path)])
    assert res.exit_code == 0, res.output
    shipped = json.loads(runner.invoke(app, ["plan", "-r", "hydrometallurgy", "-f", "json"]).stdout)
    mine = json.loads(runner.invoke(app, ["plan", "-r", str(path), "-f", "json"]).stdout)
    assert mine["steps"] == shipped["steps"]
    res = runner.invoke(app, ["routes", "--export", "hydrometallurgy", "--out", str(path)])
    assert res.exit_code == 2 and "exists" in res.stderr                     # never overwritten silently
    path.write_text(path.read_text().replace('  - "US EPA-452/F-03-015 (packed-bed scrubbers); ACGIH, Industrial Ventilation (dilution); '
                                            'design choices of this project (S): resistive discharge, argon blanket, acid stage for NH3"', "  - 7"))
    res = runner.invoke(app, ["plan", "-r", str(path)])
    assert res.exit_code == 2 and "mine.yaml: sources[1]: 7 is not of type 'string'" in res.stderr
    res = runner.invoke(app, ["routes", "--export", "hydromet"])
    assert res.exit_code == 2 and "did you mean 'hydrometallurgy'" in res.stderr
