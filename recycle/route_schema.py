"""The route file format as a JSON Schema, generated from the registered step types.

``flowsheets/route.schema.json`` ships with the package (an editor can validate a route file
against it); :func:`validate` checks every route file with it (jsonschema, Draft 2020-12)
before the route is built, so a misspelt key or a wrong value kind is reported with its path.
The schema is the structure; the values (units, ranges, step wiring) are then checked by
:func:`recycle.flowsheet.build_route`. Regenerate the file after changing a step's parameters:

    python tools/build_route_schema.py

(tests/test_route_schema.py fails while the shipped file differs from what this writes).
"""
from __future__ import annotations

import json
from functools import cache

from .errors import InputError
from .resources import flowsheets_dir
from .steps import STEP_TYPES

NUMBER_OR_TEXT = {"type": ["number", "string"]}


def _param_schema(param) -> dict:
    doc = param.doc + (f" (default {param.default})" if param.default not in (None, "") else "")
    if param.kind == "choice":
        return {"enum": list(param.choices), "description": doc}
    if param.kind == "flag":
        return {"type": "boolean", "description": doc}
    if param.kind == "fraction":
        return {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string"}], "description": doc}
    if param.kind == "number":
        return {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}], "description": doc}
    if param.kind == "quantity":
        return {**NUMBER_OR_TEXT, "description": f"{doc}; a {param.dimension.replace('_', ' ')} with its unit"}
    if param.kind == "fractions":
        return {"type": "string", "description": f"{doc}; e.g. 'HCL: 0.999, SO2: 0.95' (gases: {', '.join(param.choices)})"}
    return {"description": doc}


def route_schema() -> dict:
    """The JSON Schema of a route file."""
    by_type = []
    for name, cls in sorted(STEP_TYPES.items()):
        props = {"type": {"const": name}}
        props.update({p.name: _param_schema(p) for p in cls.params})
        by_type.append({"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                        "then": {"properties": props, "additionalProperties": False}})
    port = {"type": "string", "pattern": r"^(feed|stack|(product|waste):.+|[^.:\s]+\.[^.:\s]+)$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/recycle/recycle/flowsheets/route.schema.json",
        "title": "recycle route",
        "description": "A recycling route: steps (each a registered step type with its parameters) and the "
                       "edges that carry streams between their ports, the feed, product and waste sinks "
                       "and the stack.",
        "type": "object",
        "required": ["description", "steps", "edges"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "sources": {"type": "array", "items": {"type": "string"}},
            "sells": {"type": "object", "description": "product sink -> the price names it is sold as",
                      "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "steps": {
                "type": "object", "minProperties": 1,
                "propertyNames": {"pattern": r"^[^.:\s]+$", "not": {"const": "feed"}},
                "additionalProperties": {
                    "type": "object", "required": ["type"],
                    "properties": {"type": {"enum": sorted(STEP_TYPES)}},
                    "allOf": by_type,
                },
            },
            "edges": {
                "type": "array",
                "items": {"type": "object", "required": ["from", "to"], "additionalProperties": False,
                          "properties": {"from": port, "to": port}},
            },
        },
    }


@cache
def _validator():
    import jsonschema

    schema = json.loads((flowsheets_dir() / "route.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def validate(data, label: str) -> None:
    """Raise :class:`InputError` naming ``label`` and the key path of the first schema error
    of the parsed route ``data``."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    error = errors[0]
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    message = error.message
    if error.validator == "additionalProperties":
        message = f"unknown key: {message}"
    raise InputError(f"{label}: {path}" if path else label, f"{message} (route.schema.json)")



def schema_text() -> str:
    """The text of flowsheets/route.schema.json."""
    return json.dumps(route_schema(), indent=2) + "\n"
