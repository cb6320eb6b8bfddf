"""Run a route on a feed: walk the step graph, balance every step, collect the results.

For every step the simulator computes, from amounts alone:
- element residual: E (out - in - reagents), relative to the elements fed;
- heat released at the step temperature: -(out - in - reagents) . h(T), Cantera enthalpies;
- enthalpy duty: H(outlets at their temperatures) - H(inlets) - H(reagents supplied at 25 C);
- gas generated (net gas made in the step) and gas emitted (gas sent to the stack).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .chemistry import ChemistryDB
from .errors import InputError
from .flowsheet import FEED, Edge, Route
from .reactivity import unreacted
from .steps import Context, StepOutcome

T_FEED = 298.15      # K: cells arrive at 25 C
T_SUPPLY = 298.15    # K: reagents, water and air are supplied at 25 C (their preheat is in the duty)
THERMO_MARGIN = 25.0  # K: extrapolating thermo data by less than this is not worth a note


@dataclass
class StepResult:
    """A step's balances. Arrays have shape (batch,) or (batch, n_species); mol, J, K."""

    id: str
    type: str
    inlet: np.ndarray               # everything arriving through the inlets
    outlets: dict[str, np.ndarray]
    reagents: np.ndarray
    temperature: float
    heat_released: np.ndarray
    enthalpy_duty: np.ndarray       # heat to supply (+) or remove (-) for the whole step
    gas_generated: np.ndarray
    gas_emitted: np.ndarray
    element_residual: np.ndarray    # (batch, n_elements), mol
    relative_residual: np.ndarray   # (batch,)
    outcome: StepOutcome
    burns: bool = False             # a combustion or smelting step: its gas is combustion products
    gas_treatment: str = ""         # "combustion" or "absorption" for a flare or scrubber (Step.gas_treatment)

    @property
    def outlet_temperature(self) -> float:
        """Highest temperature an outlet leaves at (the flare's flame), K."""
        temps = [np.max(t) for t in self.outcome.outlet_temperature.values()]
        return float(max([self.temperature] + temps))

    @property
    def bought_reagents(self) -> np.ndarray:
        """Reagents less what the step drew from the air (combustion air, room moisture), mol."""
        air = self.outcome.from_air
        return self.reagents if air is None else self.reagents - air


@dataclass
class RouteResult:
    """All streams and step balances of one run: the input of every later analysis."""

    route: Route
    db: ChemistryDB
    feed: np.ndarray
    rate_basis: bool
    steps: dict[str, StepResult]
    streams: dict[str, tuple[Edge, np.ndarray, np.ndarray]]  # edge name -> (edge, amounts, T)
    inventory: Any = None           # recycle.inventory.Inventory the feed came from
    basis: Any = None               # recycle.inventory.Basis
    aqueous: frozenset = frozenset()  # names of the streams that are aqueous solutions

    def sink_total(self, kind: str) -> np.ndarray:
        """Sum of the streams into sinks of ``kind`` ('product', 'waste', 'stack')."""
        total = np.zeros_like(self.feed)
        for edge, amounts, _ in self.streams.values():
            if edge.sink_kind == kind:
                total = total + amounts
        return total

    def sinks(self, kind: str) -> dict[str, np.ndarray]:
        """Streams into each sink of ``kind`` by sink name (e.g. 'regenerated electrolyte')."""
        out: dict[str, np.ndarray] = {}
        for edge, amounts, _ in self.streams.values():
            if edge.sink_kind == kind:
                name = edge.target.split(":", 1)[-1]
                out[name] = out.get(name, 0) + amounts
        return out

    def __repr__(self) -> str:
        kind = "throughput" if self.rate_basis else "batch"
        return (f"RouteResult(route={self.route.id!r}, basis={self.basis.text!r} ({kind}), "
                f"{len(self.steps)} steps, {len(self.streams)} streams, rows=expected/worst case, "
                f"max element residual {self.max_relative_element_residual():.1e})")

    @property
    def reagents(self) -> np.ndarray:
        return sum(s.reagents for s in self.steps.values())

    @property
    def bought_reagents(self) -> np.ndarray:
        """Reagents of all steps less what they drew from the air, mol."""
        return sum(s.bought_reagents for s in self.steps.values())

    @property
    def gas_generated(self) -> np.ndarray:
        return sum(s.gas_generated for s in self.steps.values())

    @property
    def heat_released(self) -> np.ndarray:
        return sum(s.heat_released for s in self.steps.values())

    @property
    def gas_formed(self) -> np.ndarray:
        """Gas the feed's reactions make, outside the flare and smelter, mol."""
        return sum((s.gas_generated for s in self.steps.values() if not s.burns), np.zeros_like(self.feed))

    @property
    def combustion_products(self) -> np.ndarray:
        """Gas made by burning or smelting (flare, post-combustion, smelter), mol."""
        return sum((s.gas_generated for s in self.steps.values() if s.burns), np.zeros_like(self.feed))

    def element_residual(self) -> np.ndarray:
        """Route element residual, mol per element: everything out - feed - reagents."""
        out = self.sink_total("product") + self.sink_total("waste") + self.sink_total("stack")
        return self.db.element_totals(out - self.feed - self.reagents)

    def max_relative_element_residual(self) -> float:
        """Largest element residual of the route or of any step, relative to what was fed."""
        scale = np.abs(self.db.element_totals(self.feed + self.reagents)).sum(axis=-1)
        route = np.abs(self.element_residual()).max(axis=-1) / np.maximum(scale, 1e-300)
        steps = [s.relative_residual for s in self.steps.values()]
        return float(np.max([route.max()] + [r.max() for r in steps]))

    def energy_balance(self) -> dict[str, np.ndarray]:
        """Route energy balance: enthalpy in vs out, with the steps' duties, J per basis.

        H(out) - H(feed) - H(reagents) = sum of step enthalpy duties (first law); the residual
        closes to round-off when every step's duty is counted.
        """
        db = self.db
        h_out = np.zeros(len(self.feed))
        for name, (edge, amounts, T) in self.streams.items():
            if edge.sink_kind:
                h_out += _enthalpy(db, amounts, T, name in self.aqueous)
        h_feed = _enthalpy(db, self.feed, np.full(len(self.feed), T_FEED))
        h_reag = sum(s.reagents @ _reagent_enthalpy(db, s.outcome, T_SUPPLY) for s in self.steps.values())
        duty = sum(s.enthalpy_duty for s in self.steps.values())
        return {"enthalpy_out": h_out, "enthalpy_feed": h_feed, "enthalpy_reagents": h_reag,
                "sum_of_step_duties": duty, "residual": h_out - h_feed - h_reag - duty,
                "heat_released": self.heat_released}


def _check_step(route_label, sid, step, outcome, total_in, residual, scale) -> None:
    """A step must not make negative amounts or break the element balance.

    Negative amounts mean parameters outside what the step's model covers (an InputError
    naming the step); a broken balance with sane amounts is a defect of recycle itself."""
    floor = -1e-9 * max(float(np.abs(total_in).max()), float(np.abs(outcome.reagents).max()), 1e-300)
    for port, amounts in outcome.outlets.items():
        if amounts.min() < floor:
            raise InputError(f"{route_label}: steps.{sid}", f"the {step.type} step makes negative amounts at its outlet "
                             f"'{port}' with these parameters: they are outside what its model covers")
    worst = float((np.abs(residual).max(axis=1) / np.maximum(scale, 1e-300)).max())
    if worst > 1e-6:
        raise RuntimeError(f"element balance of step {sid} ({step.type}) does not close: relative residual "
                           f"{worst:.2e}; please report this with the inputs that gave it")


def _check_media(route_label, sid, step, outcome, total_in, ctx) -> None:
    """Nothing may leave a step that its medium reacts with completely, unless the step flags it
    (a conversion the user set below 1); what a rate limit or the step's own model lets survive
    is added to the step's flags (once per species)."""
    if not outcome.media:
        raise RuntimeError(f"step {sid} ({step.type}) declares no medium; please report this")
    flagged = {(f.code, f.species) for f in outcome.flags}
    checks = [(medium, {p: a for p, a in outcome.outlets.items() if p not in outcome.outlet_media})
              for medium in outcome.media]
    checks += [(medium, {p: outcome.outlets[p]}) for p, media in outcome.outlet_media.items() for medium in media]
    for medium, outlets in checks:
        flags, broken = unreacted(sid, outlets, medium, outcome.temperature, ctx)
        for f in flags:
            if (f.code, f.species) not in flagged:
                outcome.flags.append(f)
                flagged.add((f.code, f.species))
        broken = [b for b in broken if not any(f.species == b for f in outcome.flags)]
        if broken:
            raise RuntimeError(f"{route_label}: step {sid} ({step.type}) lets {', '.join(broken)} leave unreacted "
                               f"although its medium {medium!r} reacts with it completely; please report this")


def _enthalpy(db: ChemistryDB, amounts: np.ndarray, T: np.ndarray, aqueous: bool = False) -> np.ndarray:
    """Enthalpy (J) of each batch row of ``amounts`` at temperatures ``T`` (K); in an aqueous
    stream the salts, acids and bases of chemistry/aqueous.yaml count as dissolved."""
    return db.stream_enthalpy(amounts, T, aqueous)


def _reagent_enthalpy(db: ChemistryDB, outcome: StepOutcome, T: float) -> np.ndarray:
    """Molar enthalpy (J/mol) of a step's reagents at ``T``: dissolved for those fed as solutions."""
    if not outcome.dissolved_reagents:
        return db.enthalpy(T)
    fed = np.isin(db.names, outcome.dissolved_reagents)
    return np.where(fed, db.enthalpy_aqueous(T), db.enthalpy(T))


HEAT_ERROR_LIMIT = 0.01     # a step refuses when extrapolated thermo data could move its energy balance more


def _check_extrapolation(db, route_label, sid, outcome, produced, route, duty, heat) -> None:
    """Refuse a step whose energy balance could be off by more than 1 % because species are
    evaluated beyond their data: its outlets at their temperatures, its reagents as supplied and
    its inlets as they arrive (ChemistryDB.extrapolation_error)."""
    error = np.zeros(len(duty))
    names: set[str] = set()
    dissolved = np.isin(db.names, outcome.dissolved_reagents)
    parts = [(amounts, *produced[(sid, port)][1:]) for port, amounts in outcome.outlets.items()]
    parts += [(outcome.reagents * ~dissolved, T_SUPPLY, False), (outcome.reagents * dissolved, T_SUPPLY, True)]
    parts += [produced[(edge.source, edge.outlet)] for edge in route.edges if edge.target == sid]
    for amounts, T, aqueous in parts:
        e, n = db.extrapolation_error(amounts, T, THERMO_MARGIN, aqueous)
        error, names = error + e, names | set(n)
    scale = np.maximum(np.abs(duty), np.abs(heat))
    bad = error > HEAT_ERROR_LIMIT * scale
    if np.any(bad & (scale > 0)):
        share = float(np.max(np.where(scale > 0, error / np.maximum(scale, 1e-300), 0.0)))
        raise InputError(f"{route_label}: step {sid}",
                         f"thermo data of {', '.join(sorted(names))} stop more than {THERMO_MARGIN:g} K short of "
                         f"the temperatures they are used at: the energy balance could be off by {100 * share:.2g} % "
                         f"(more than {100 * HEAT_ERROR_LIMIT:g} %); add data for their phase there or change the "
                         "step temperature")


def simulate(route: Route, feed: np.ndarray, ctx: Context) -> RouteResult:
    """Run ``route`` on ``feed`` (batch, n_species) in topological order."""
    db = ctx.db
    batch = len(feed)
    streams: dict[str, tuple[Edge, np.ndarray, np.ndarray]] = {}
    produced: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, bool]] = {
        (FEED, ""): (feed, np.full(batch, T_FEED), False)}
    results: dict[str, StepResult] = {}
    E = db.element_matrix
    for sid in route.order():
        step = route.steps[sid]
        inlets = {p: np.zeros_like(feed) for p in step.inlets}
        h_port = {p: np.zeros(batch) for p in step.inlets}
        arriving = []                     # (amounts, is aqueous) of each stream that arrives
        parts: dict[str, list] = {}
        for edge in route.edges:
            if edge.target == sid:
                amounts, T, aq = produced[(edge.source, edge.outlet)]
                inlets[edge.inlet] = inlets[edge.inlet] + amounts
                h_port[edge.inlet] = h_port[edge.inlet] + _enthalpy(db, amounts, T, aq)
                arriving.append((amounts, aq))
                parts.setdefault(edge.inlet, []).append((amounts, T))
        h_in = sum(h_port.values())
        try:
            outcome = step.run(inlets, replace(ctx, inlet_enthalpy=h_port, inlet_streams=parts))
        except InputError as exc:
            raise exc.within(route.label) from None
        total_in = sum(inlets.values())
        total_out = sum(outcome.outlets.values())
        if "electricity" in step.values:      # energy per mass of solids fed (agitators, pumps, filters)
            drawn = step["electricity"] * (total_in @ np.where(db.phase_is("solid"), db.molar_mass, 0.0))
            outcome.utilities["electricity"] = outcome.utilities.get("electricity", 0.0) + drawn
        change = total_out - total_in - outcome.reagents
        residual = change @ E.T
        scale = np.abs((total_in + outcome.reagents) @ E.T).sum(axis=1)
        _check_step(route.label, sid, step, outcome, total_in, residual, scale)
        T = outcome.temperature
        # Heat released at the step temperature, each stream in its phase (dissolved in aqueous ones).
        h_T, h_T_aq = db.enthalpy(T), db.enthalpy_aqueous(T)
        heat = -(sum(a @ (h_T_aq if p in outcome.aqueous_outlets else h_T) for p, a in outcome.outlets.items())
                 - sum(a @ (h_T_aq if aq else h_T) for a, aq in arriving)
                 - outcome.reagents @ _reagent_enthalpy(db, outcome, T))
        h_out = np.zeros(batch)
        for port, amounts in outcome.outlets.items():
            T_out = np.broadcast_to(outcome.outlet_temperature.get(port, T), (batch,))
            aq = port in outcome.aqueous_outlets
            produced[(sid, port)] = (amounts, np.array(T_out, dtype=float), aq)
            h_out += _enthalpy(db, amounts, T_out, aq)
        h_reagents = outcome.reagents @ _reagent_enthalpy(db, outcome, T_SUPPLY)
        present = (total_in + total_out + outcome.reagents).max(axis=0) > 0
        # every species is evaluated at the step temperature (heat released) and each outlet at its own
        outside = sorted({n for port, amounts in outcome.outlets.items()
                          for n in db.out_of_range(present & (amounts.max(axis=0) > 0),
                                                   float(np.max(outcome.outlet_temperature.get(port, T))),
                                                   margin=THERMO_MARGIN, aqueous=port in outcome.aqueous_outlets)}
                         | set(db.out_of_range(present, T, margin=THERMO_MARGIN)))
        _check_extrapolation(db, route.label, sid, outcome, produced, route, h_out - h_in - h_reagents, heat)
        _check_media(route.label, sid, step, outcome, total_in, ctx)
        said = " ".join(n for n in outcome.notes if "thermo data" in n)
        outside = [n for n in outside if n not in said]
        if outside:
            outcome.notes.append(f"thermo data of {', '.join(outside)} "
                                 "do not reach the step temperature: Cantera extrapolates them")
        gas_generated = np.where(db.is_gas, np.maximum(change, 0.0), 0.0)
        emitted = np.zeros_like(feed)
        for edge in route.edges:
            if edge.source == sid and edge.sink_kind == "stack":
                emitted += np.where(db.is_gas, outcome.outlets[edge.outlet], 0.0)
        duty = h_out - h_in - h_reagents
        if "cooling" not in outcome.utilities:     # heat to remove, where the step does not say otherwise
            outcome.utilities["cooling"] = np.maximum(-duty, 0.0)
        results[sid] = StepResult(
            sid, step.type, total_in, outcome.outlets, outcome.reagents, T, heat,
            duty, gas_generated, emitted, residual,
            np.abs(residual).max(axis=1) / np.maximum(scale, 1e-300), outcome,
            burns=any(ctx.reactivity.medium(m).kind in ("combustion", "reducing_melt") for m in outcome.media),
            gas_treatment=step.gas_treatment)
    aqueous = set()
    for edge in route.edges:
        amounts, T, aq = produced[(edge.source, edge.outlet)]
        streams[edge.name] = (edge, amounts, T)
        if edge.sink_kind == "stack":
            solids = np.where(db.is_gas, 0.0, amounts) @ db.molar_mass
            if np.any(solids > 1e-6 * max(float((feed @ db.molar_mass).max()), 1e-300)):
                raise InputError(f"{route.label}: edges", f"{edge.name} sends {float(solids.max()):.3g} kg of solids "
                                 "or liquids to the stack: only gas may go there; route them to a product or a waste")
        if aq:
            aqueous.add(edge.name)
    return RouteResult(route, db, feed, ctx.rate_basis, results, streams, aqueous=frozenset(aqueous))
