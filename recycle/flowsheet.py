"""Routes: flowsheet YAML files loaded into a validated networkx DiGraph of steps.

A route file has ``description``, ``sources``, ``steps`` (id -> ``type`` plus parameters as
strings with units), ``edges`` (``from: STEP.OUTLET`` or ``feed``; ``to: STEP.INLET``,
``product:NAME``, ``waste:NAME`` or ``stack``) and ``sells`` (product sink -> the price names of
``chemistry/prices.yaml`` it is sold as; anything else in a product stream is not valued). Every outlet goes to exactly one place;
every inlet receives at least one stream; the graph has no cycle.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .errors import InputError, closest
from .route_schema import validate as validate_route_file
from .resources import flowsheets_dir
from .steps import STEP_TYPES, Step
from .yamlio import load_yaml_file

FEED = "feed"
TOP_KEYS = {"description", "sources", "steps", "edges", "name", "sells"}


@dataclass
class Edge:
    """A stream: from a step outlet (or the feed) to a step inlet or a terminal sink."""

    source: str            # step id, or "feed"
    outlet: str            # outlet port ("" for the feed)
    target: str            # step id, or a sink: "product:NAME", "waste:NAME", "stack"
    inlet: str             # inlet port ("" for sinks)

    @property
    def name(self) -> str:
        a = f"{self.source}.{self.outlet}" if self.outlet else self.source
        b = f"{self.target}.{self.inlet}" if self.inlet else self.target
        return f"{a} -> {b}"

    @property
    def sink_kind(self) -> str | None:
        """'product', 'waste', 'stack' for terminal edges, else None."""
        if self.inlet:
            return None
        return self.target.split(":")[0]


@dataclass
class Route:
    """A loaded route: steps by id, edges, and the DiGraph (nodes: step ids, 'feed', sinks)."""

    id: str
    description: str
    sources: list[str]
    steps: dict[str, Step]
    edges: list[Edge]
    graph: nx.DiGraph
    label: str
    sells: dict[str, list[str]] = None   # product sink -> price names it is sold as (the rest is not valued)

    def order(self) -> list[str]:
        """Step ids in an order where every step comes after its suppliers."""
        return [n for n in nx.topological_sort(self.graph) if n in self.steps]

    def with_parameters(self, overrides: dict[str, dict[str, str]], where: str = "--set") -> "Route":
        """A copy of the route with ``{step: {param: value}}`` applied (validated)."""
        steps = dict(self.steps)
        for sid, params in overrides.items():
            if sid not in steps:
                raise InputError(f"{where} {sid}", f"route {self.id!r} has no step {sid!r}; {closest(sid, steps)}")
            old = steps[sid]
            merged = {k: v for k, v in old.raw.items()} | params
            unknown = [k for k in params if k not in old.raw]
            if unknown:
                k = unknown[0]
                raise InputError(f"{where} {sid}.{k}", f"step {sid!r} ({old.type}) has no parameter {k!r}; "
                                 f"{closest(k, old.raw)}")
            steps[sid] = type(old)(sid, merged, f"{where} {sid}")
        return Route(self.id, self.description, self.sources, steps, self.edges, self.graph, self.label, self.sells)


def available_routes() -> dict[str, Path]:
    """Shipped route ids and their files."""
    return {p.stem: p for p in sorted(flowsheets_dir().glob("*.yaml"))}


def export_route(route_id: str) -> str:
    """The YAML text of shipped route ``route_id``, headed by how to run it once edited."""
    from .errors import InputError, closest

    shipped = available_routes()
    if route_id not in shipped:
        raise InputError("--export", f"unknown route {route_id!r}; {closest(route_id, shipped)}")
    return (f"# recycle route, exported from the shipped route '{route_id}'. Edit it and run it with\n"
            f"# recycle plan --route FILE. Format: flowsheets/route.schema.json (JSON Schema) and docs/methods.md.\n"
            + shipped[route_id].read_text())


def load_route(name_or_path: str) -> Route:
    """Load a shipped route by id, or a route file by path."""
    routes = available_routes()
    if name_or_path in routes:
        path, label = routes[name_or_path], f"flowsheets/{name_or_path}.yaml"
    else:
        path = Path(name_or_path)
        if path.suffix not in (".yaml", ".yml") or not path.exists():
            raise InputError("--route", f"unknown route {name_or_path!r}; {closest(name_or_path, routes)}")
        label = str(path)
    data = load_yaml_file(path, label)
    return build_route(path.stem, data, label)


def build_route(route_id: str, data, label: str) -> Route:
    """Validate route data (already parsed) and build the Route; errors name ``label``."""
    if not isinstance(data, dict):
        raise InputError(label, "expected a mapping with description, steps and edges")
    unknown = set(data) - TOP_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise InputError(f"{label}: {k}", f"unknown key; {closest(k, TOP_KEYS)}")
    for key in ("description", "steps", "edges"):
        if key not in data:
            raise InputError(label, f"missing key {key!r}")
    raw_steps = data["steps"]
    if not isinstance(raw_steps, dict) or not raw_steps:
        raise InputError(f"{label}: steps", "expected a mapping of step id -> {type: ..., parameters}")
    steps: dict[str, Step] = {}
    for sid, spec in raw_steps.items():
        where = f"{label}: steps.{sid}"
        if sid == FEED or not isinstance(sid, str) or "." in sid or ":" in sid:
            raise InputError(where, "a step id is a name without '.' or ':' and not 'feed'")
        if not isinstance(spec, dict) or "type" not in spec:
            raise InputError(where, "needs a 'type'")
        stype = spec["type"]
        if stype not in STEP_TYPES:
            raise InputError(f"{where}.type", f"unknown step type {stype!r}; {closest(str(stype), STEP_TYPES)}")
        params = {k: v for k, v in spec.items() if k != "type"}
        steps[sid] = STEP_TYPES[stype](sid, params, where)

    graph = nx.DiGraph()
    graph.add_node(FEED)
    graph.add_nodes_from(steps)
    edges: list[Edge] = []
    fed_outlets: dict[tuple[str, str], int] = {}
    if not isinstance(data["edges"], list):
        raise InputError(f"{label}: edges", "expected a list of {from: ..., to: ...}")
    for i, e in enumerate(data["edges"]):
        where = f"{label}: edges[{i}]"
        if not isinstance(e, dict) or set(e) != {"from", "to"}:
            raise InputError(where, "each edge is {from: STEP.OUTLET or feed, to: STEP.INLET or product:NAME/waste:NAME/stack}")
        src, out = _port(e["from"], steps, "outlets", where + ".from")
        dst, inl = _port(e["to"], steps, "inlets", where + ".to")
        if (src, out) in fed_outlets:
            raise InputError(where + ".from", f"{e['from']!r} already goes to edges[{fed_outlets[(src, out)]}]; "
                             "an outlet goes to exactly one place")
        fed_outlets[(src, out)] = i
        edge = Edge(src, out, dst, inl)
        edges.append(edge)
        graph.add_edge(src, dst)
    for sid, step in steps.items():
        for outlet in step.outlets:
            if (sid, outlet) not in fed_outlets:
                raise InputError(f"{label}: edges", f"outlet {sid}.{outlet} goes nowhere; "
                                 "connect it to a step, product:NAME, waste:NAME or stack")
        for inlet in step.inlets:
            if not any(e.target == sid and e.inlet == inlet for e in edges):
                raise InputError(f"{label}: edges", f"inlet {sid}.{inlet} receives nothing")
    if (FEED, "") not in fed_outlets:
        raise InputError(f"{label}: edges", "no edge from 'feed': the cells enter nowhere")
    try:
        cycle = nx.find_cycle(graph)
        raise InputError(f"{label}: edges", "the route has a cycle: " + " -> ".join(a for a, _ in cycle)
                         + f" -> {cycle[0][0]}")
    except nx.NetworkXNoCycle:
        pass
    for e in edges:              # the cells must be treated before anything leaves the route
        if e.sink_kind and e.source == FEED:
            raise InputError(f"{label}: edges", f"the cells go straight from 'feed' to {e.target}: route them "
                             "through a treatment step")
        if e.sink_kind == "product":
            upstream = (nx.ancestors(graph, e.source) | {e.source}) - {FEED}
            if not any(steps[s].treats_cells for s in upstream):
                raise InputError(f"{label}: edges", f"{e.target} receives cells that only a discharge step has "
                                 "touched: a product must be made or recovered by a treatment step")
    sources = data.get("sources") or []
    sells = data.get("sells") or {}
    products = {e.target.split(":", 1)[1] for e in edges if e.sink_kind == "product"}
    if not isinstance(sells, dict):
        raise InputError(f"{label}: sells", "expected a mapping of product sink -> list of price names")
    for sink, names in sells.items():
        if sink not in products:
            raise InputError(f"{label}: sells.{sink}", f"no product sink of that name; {closest(str(sink), products)}")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise InputError(f"{label}: sells.{sink}", "expected a list of price names, e.g. [Li2CO3]")
    # the shipped JSON Schema holds too (its messages are terser than the checks above, which run first)
    validate_route_file(data, label)
    return Route(route_id, str(data["description"]).strip(), [str(s) for s in sources],
                 steps, edges, graph, label, {k: list(v) for k, v in sells.items()})


def _port(text, steps: dict[str, Step], kind: str, where: str) -> tuple[str, str]:
    if not isinstance(text, str):
        raise InputError(where, f"expected a string like STEP.PORT, got {text!r}")
    if kind == "outlets" and text == FEED:
        return FEED, ""
    if kind == "inlets" and (text == "stack" or text.split(":")[0] in ("product", "waste")):
        if text != "stack" and not text.split(":", 1)[1]:
            raise InputError(where, f"{text!r} needs a name after ':'")
        return text, ""
    if "." not in text:
        hint = "feed or STEP.OUTLET" if kind == "outlets" else "STEP.INLET, product:NAME, waste:NAME or stack"
        raise InputError(where, f"{text!r} is not a port; expected {hint}")
    sid, port = text.split(".", 1)
    if sid not in steps:
        raise InputError(where, f"unknown step {sid!r}; {closest(sid, steps)}")
    ports = getattr(steps[sid], kind)
    if port not in ports:
        raise InputError(where, f"step {sid!r} ({steps[sid].type}) has no {kind[:-1]} {port!r}; "
                         f"{closest(port, ports)}")
    return sid, port
