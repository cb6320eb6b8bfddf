"""Reactivity as data about the material: what every species does in every medium.

A step's material sits in a *medium* (``chemistry/media.yaml``): a closed vocabulary of kinds
(dry gas, nitrogen, alcohol, aqueous acidic, combustion, ...) with the conditions the step
sets. ``chemistry/reactivity.yaml`` says, for every species of the index and every medium,
how the species behaves there:

- ``complete``: its reactions run to completion wherever it meets the medium;
- ``rate``: a stated share reacts (expected and worst case, with a source);
- ``step``: the step's own model meters the extent (a named parameter or model);
- ``equilibrium``: the step computes the products from element balance or Gibbs energy;
- ``inert``: it does not react there, with a source or a stated assumption.

Loading fails when a species has no entry for a medium, so nothing passes a reactive medium
unnoticed. :func:`react_in_medium` runs the ``complete`` and ``rate`` entries of every species
present; the simulator checks after every step that nothing with a ``complete`` entry in the
step's medium leaves it (:func:`unreacted`), and reports what ``rate`` and ``step`` entries
let survive as flagged results.

Amounts are mol (or mol/s) per batch row; temperatures K.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chemistry import ChemistryDB
from .errors import InputError, closest
from .flags import Flag
from .reactions import Reaction
from .units import to_si
from .yamlio import load_yaml_file

KINDS = ("sealed", "mechanical", "dry_gas", "nitrogen", "humid_air", "alcohol", "aprotic_solvent",
         "amide_solvent", "aqueous_neutral", "aqueous_acidic", "aqueous_alkaline",
         "oxidising_high_temperature", "reducing_melt", "combustion")
"""The closed vocabulary of medium kinds."""

EXTENTS = ("complete", "rate", "step", "equilibrium", "inert")
AQUEOUS = ("aqueous_neutral", "aqueous_acidic", "aqueous_alkaline")
REACTIVE_METALS = ("Li(cr)", "Li(L)", "LiIn(s)")
MAX_PASSES = 6        # products that react in the same medium (Li2S from a sulfide) need more passes


@dataclass(frozen=True)
class Medium:
    """A medium a step's material sits in: its kind, what it supplies in excess, and a rule
    for every species at once (``all``: 'equilibrium' or 'inert') where one applies."""

    name: str
    kind: str
    description: str
    supplies: tuple[str, ...] = ()
    all: str | None = None
    source: str = ""

    @property
    def aqueous(self) -> bool:
        return self.kind in AQUEOUS


@dataclass(frozen=True)
class Behaviour:
    """How one species behaves in one medium (at and above ``min_temperature``, K)."""

    extent: str
    reactions: tuple[str, ...] = ()
    source: str = ""
    model: str = ""                          # rate / step: what sets the extent
    fraction: tuple[float, float] = (1.0, 1.0)   # rate: (expected, worst case)
    min_temperature: float = 0.0


@dataclass(frozen=True)
class Reactivity:
    """Media and the behaviour of every species in each (``table[species][medium]``: a list of
    behaviours, highest ``min_temperature`` first)."""

    media: dict[str, Medium]
    table: dict[str, dict[str, tuple[Behaviour, ...]]]

    def medium(self, name: str) -> Medium:
        return self.media[name]

    def behaviour(self, species: str, medium: str, temperature: float) -> Behaviour:
        """The behaviour of ``species`` in ``medium`` at ``temperature`` (K)."""
        m = self.media[medium]
        if m.all is not None:
            return Behaviour(m.all, source=m.source)
        for b in self.table[species][medium]:
            if temperature >= b.min_temperature:
                return b
        raise AssertionError("loading guarantees an entry without a temperature floor")

    def reacts(self, species: str, medium: str, temperature: float) -> bool:
        return self.behaviour(species, medium, temperature).extent != "inert"


# ----------------------------------------------------------------------------- loading
def load_reactivity(db: ChemistryDB, reactions: dict[str, Reaction]) -> Reactivity:
    """Read ``media.yaml`` and ``reactivity.yaml`` and check that every species has an entry
    for every medium (directly, through its group, or through ``elsewhere``)."""
    mlabel = "chemistry/media.yaml"
    raw_media = load_yaml_file(db.directory / "media.yaml", mlabel).get("media") or {}
    media: dict[str, Medium] = {}
    for name, entry in raw_media.items():
        where = f"{mlabel}: media.{name}"
        _keys(entry, where, {"kind", "description", "supplies", "all", "source"})
        if entry.get("kind") not in KINDS:
            raise InputError(where + ".kind", f"unknown medium kind {entry.get('kind')!r}; {closest(str(entry.get('kind')), KINDS)}")
        for s in entry.get("supplies", ()):
            if s not in db.index:
                raise InputError(where + ".supplies", f"unknown species {s!r}; {closest(s, db.index)}")
        if entry.get("all") not in (None, "equilibrium", "inert"):
            raise InputError(where + ".all", "must be 'equilibrium' or 'inert'")
        if entry.get("all") and not entry.get("source"):
            raise InputError(where, "a rule for all species needs a 'source'")
        media[name] = Medium(name, entry["kind"], str(entry.get("description", "")).strip(),
                             tuple(entry.get("supplies", ())), entry.get("all"), str(entry.get("source", "")))

    label = "chemistry/reactivity.yaml"
    data = load_yaml_file(db.directory / "reactivity.yaml", label)
    _keys(data, label, {"description", "metered", "groups", "species"})
    metered: dict[str, dict[str, dict]] = {}     # species -> medium -> generated entry
    for mname, rule in (data.get("metered") or {}).items():
        where = f"{label}: metered.{mname}"
        if mname not in media:
            raise InputError(where, f"unknown medium; {closest(mname, media)}")
        _keys(rule, where, {"tags", "model", "source"})
        for tag in rule.get("tags", ()):
            found = [r for r in reactions.values() if tag in r.tags]
            if not found:
                raise InputError(where + ".tags", f"no reaction carries the tag {tag!r}")
            for r in found:
                entry = metered.setdefault(r.key, {}).setdefault(
                    mname, {"extent": "step", "reactions": [], "model": rule.get("model"), "source": rule.get("source")})
                entry["reactions"].append(r.id)
    groups = data.get("groups") or {}
    per_species: dict[str, dict] = {}
    for gname, group in groups.items():
        where = f"{label}: groups.{gname}"
        _keys(group, where, {"species", "media", "elsewhere", "description"})
        for s in group.get("species", ()):
            if s not in db.index:
                raise InputError(where + ".species", f"unknown species {s!r}; {closest(s, db.index)}")
            if s in per_species:
                raise InputError(where + ".species", f"{s} is already in another group")
            per_species[s] = {"media": dict(group.get("media") or {}), "elsewhere": group.get("elsewhere"),
                              "where": where}
    for s, entry in (data.get("species") or {}).items():
        where = f"{label}: species.{s}"
        if s not in db.index:
            raise InputError(where, f"unknown species; {closest(s, db.index)}")
        _keys(entry, where, {"media", "elsewhere"})
        base = per_species.get(s, {"media": {}, "elsewhere": None})
        per_species[s] = {"media": {**base["media"], **(entry.get("media") or {})},
                          "elsewhere": entry.get("elsewhere", base["elsewhere"]), "where": where}

    table: dict[str, dict[str, tuple[Behaviour, ...]]] = {}
    needs_entry = [m for m in media.values() if m.all is None]
    for s in db.names:
        spec = per_species.get(s)
        table[s] = {}
        for m in needs_entry:
            raw = None if spec is None else spec["media"].get(m.name)
            if raw is None:
                raw = metered.get(s, {}).get(m.name)
            if raw is None and spec is not None:
                raw = spec["elsewhere"]
            where = f"{label}: species.{s}.media.{m.name}" if spec is None else f"{spec['where']}.media.{m.name}"
            if raw is None:
                raise InputError(where, f"no entry: say how {s} behaves in medium {m.name!r} ({m.kind}), "
                                 "with its reactions or an inert declaration and its source")
            table[s][m.name] = _behaviours(raw, where, db, reactions, s, m)
        if spec is not None:
            for m in spec["media"]:
                if m not in media:
                    raise InputError(f"{spec['where']}.media.{m}", f"unknown medium; {closest(m, media)}")
    return Reactivity(media, table)


def _keys(entry, where: str, allowed: set[str]) -> None:
    if not isinstance(entry, dict):
        raise InputError(where, "expected a mapping")
    unknown = set(entry) - allowed
    if unknown:
        raise InputError(where, f"unknown keys {sorted(unknown)}; expected {sorted(allowed)}")


def _behaviours(raw, where: str, db: ChemistryDB, reactions: dict[str, Reaction], species: str,
                medium: Medium) -> tuple[Behaviour, ...]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for k, item in enumerate(items):
        w = f"{where}[{k}]" if isinstance(raw, list) else where
        _keys(item, w, {"extent", "reactions", "source", "model", "fraction", "above"})
        extent = item.get("extent")
        if extent not in EXTENTS:
            raise InputError(w + ".extent", f"{extent!r} is not one of {', '.join(EXTENTS)}")
        if not item.get("source"):
            raise InputError(w, "needs a 'source' (or a stated assumption)")
        rids = tuple(item.get("reactions", ()))
        for rid in rids:
            if rid not in reactions:
                raise InputError(w + ".reactions", f"unknown reaction {rid!r}; {closest(rid, reactions)}")
            if reactions[rid].coefficient(db, species) >= 0:
                raise InputError(w + ".reactions", f"{species} is not a reactant of {rid}")
        if extent in ("complete", "rate") and not rids:
            raise InputError(w, f"extent {extent!r} needs 'reactions'")
        if extent in ("rate", "step") and not item.get("model"):
            raise InputError(w, f"extent {extent!r} needs a 'model' saying what sets the extent")
        fraction = (1.0, 1.0)
        if extent == "rate":
            f = item.get("fraction") or {}
            _keys(f, w + ".fraction", {"expected", "worst"})
            fraction = tuple(float(to_si(f.get(c), "dimensionless", f"{w}.fraction.{c}")) for c in ("expected", "worst"))
            if not all(0.0 <= x <= 1.0 for x in fraction):
                raise InputError(w + ".fraction", "fractions must lie between 0 and 1")
        above = to_si(item["above"], "temperature", w + ".above") if "above" in item else 0.0
        out.append(Behaviour(extent, rids, str(item["source"]), str(item.get("model", "")), fraction, above))
    out.sort(key=lambda b: -b.min_temperature)
    if out[-1].min_temperature > 0:
        raise InputError(where, "entries with 'above' need one without it for lower temperatures")
    return tuple(out)


# ----------------------------------------------------------------------------- engine
def react_in_medium(amounts: np.ndarray, medium: str, temperature: float, ctx, reagents: np.ndarray,
                    skip: frozenset[str] = frozenset(), step: str = "",
                    step_fraction: np.ndarray | float | None = None) -> tuple[np.ndarray, list[Flag]]:
    """Run the ``complete`` and ``rate`` behaviours of every species present in ``medium``.

    What the medium supplies (its solvent, water, LiOH, ...) is fed as consumed and added to
    ``reagents`` in place. A co-reactant the medium does not supply is shared among the
    reactions that need it in proportion to their demand (each is scaled by available /
    demanded). ``rate`` entries act once per call; ``complete`` ones repeat while their
    products react in turn (Li2S from a sulfide's hydrolysis). ``skip``: species whose
    reactions the step meters itself. ``step_fraction``: where the step meters its ``step``
    behaviours by one share (the brine reaching breached cells), that share per batch row; those
    behaviours then run once like ``rate`` ones. Returns the amounts after and the flags raised.
    """
    db = ctx.db
    m = ctx.reactivity.medium(medium)
    if m.all is not None:
        return amounts, []
    amounts = amounts.copy()
    supplied = {db.index[s] for s in m.supplies}
    flags: list[Flag] = []
    metal = np.zeros(len(amounts))          # mol of Li in metallic form that reacted here
    for attempt in range(MAX_PASSES):
        candidates = []       # (reaction, the species whose behaviour runs it, fraction per row)
        for i in np.flatnonzero(amounts.max(axis=0) > 0):
            name = db.names[i]
            if name in skip or i in supplied:
                continue
            b = ctx.reactivity.behaviour(name, medium, temperature)
            metered = b.extent == "step" and step_fraction is not None and b.reactions
            if b.extent == "complete" or (attempt == 0 and (b.extent == "rate" or metered)):
                f = (1.0 if b.extent == "complete" else
                     ctx.pick(*b.fraction) if b.extent == "rate" else step_fraction)
                rs = [ctx.reactions[r] for r in b.reactions if _partners_present(ctx.reactions[r], i, amounts, supplied)]
                for r in rs:       # several reactions of one species share it equally
                    candidates.append((r, i, np.broadcast_to(f, (len(amounts),)) / len(rs)))
        if not candidates:
            break
        xi = np.array([f * amounts[:, i] / -r.stoich[i] for r, i, f in candidates])
        demand = np.zeros_like(amounts)
        for (r, _, _), x in zip(candidates, xi):
            demand += x[:, None] * np.where(r.stoich < 0, -r.stoich, 0.0)[None, :]
        limited = demand > 0
        limited[:, list(supplied)] = False
        scale = np.where(limited, np.minimum(1.0, amounts / np.where(limited, demand, 1.0)), 1.0)
        if not np.any(xi > 0):
            break
        for k, (r, _, _) in enumerate(candidates):
            uses = r.stoich < 0
            xi[k] *= scale[:, uses].min(axis=1)
        moved = False
        for (r, _, _), x in zip(candidates, xi):
            if not np.any(x > 0):
                continue
            moved = True
            fed = np.zeros_like(amounts)
            for j in supplied:
                if r.stoich[j] < 0:
                    fed[:, j] = -r.stoich[j] * x
            amounts += fed
            reagents += fed
            metal += sum(-r.stoich[db.index[n]] * x * db.element_matrix[db.elements.index("Li"), db.index[n]]
                         for n in REACTIVE_METALS if r.stoich[db.index[n]] < 0)
            amounts = amounts + x[:, None] * r.stoich[None, :]
        np.maximum(amounts, 0.0, out=amounts)   # round-off of complete conversions
        if not moved:
            break
    if m.aqueous and np.any(metal > 0):
        flags.append(metal_flag(step, metal, medium, ctx))
    return amounts, flags


def metal_flag(step: str, li_mol: np.ndarray, medium: str, ctx) -> Flag:
    """``metal_meets_water``: ``li_mol`` (per batch row) of metallic Li reacted in an aqueous medium."""
    db = ctx.db
    kg = li_mol * db.molar_mass[db.index["Li(cr)"]]
    return Flag("metal_meets_water", step, "Li(cr)", kg, "kg" + ctx.per,
                f"metallic Li ({float(np.max(kg)):.3g} kg{ctx.per}) reacts with the water of the {medium} medium: "
                "violent H2 and heat")


def _partners_present(reaction: Reaction, species: int, amounts: np.ndarray, supplied: set[int]) -> bool:
    """True when every reactant of ``reaction`` other than ``species`` is supplied or present."""
    need = [j for j in np.flatnonzero(reaction.stoich < 0) if j != species and j not in supplied]
    return all(amounts[:, j].max() > 0 for j in need)


def unreacted(step_id: str, outlets: dict[str, np.ndarray], medium: str, temperature: float,
              ctx) -> tuple[list[Flag], list[str]]:
    """What condensed species leave a step although its medium would react them (gases leave
    with the off-gas; a scrubber's slip is reported by the audit).

    Returns (flags for species that ``rate`` or ``step`` behaviours let survive, names of
    species with a ``complete`` behaviour that survived: a defect of the step)."""
    db = ctx.db
    m = ctx.reactivity.medium(medium)
    if m.all is not None:
        return [], []
    total = sum(np.where(db.is_gas, 0.0, a) for a in outlets.values())
    if isinstance(total, int):
        return [], []
    scale = max(float(np.abs(total).max()), 1e-300)
    flags, broken = [], []
    supplied = {db.index[s] for s in m.supplies}
    for i in np.flatnonzero(total.max(axis=0) > 1e-9 * scale):
        name = db.names[i]
        if name in m.supplies:
            continue
        b = ctx.reactivity.behaviour(name, medium, temperature)
        if b.extent == "complete":
            # a reaction whose partner is absent (molten Li with no O2 to burn) has nothing to run
            if any(_partners_present(ctx.reactions[r], i, total, supplied) for r in b.reactions):
                broken.append(name)
        elif b.extent in ("rate", "step"):
            kg = total[:, i] * db.molar_mass[i]
            if b.model.startswith("not quantified"):
                flags.append(Flag("unquantified_hazard", step_id, name, kg, "kg" + ctx.per,
                                  f"{name} reacts in {medium} but recycle does not quantify it ({b.model[16:].lstrip(': ')}): "
                                  "its gas and heat are not in the balances"))
            else:
                flags.append(Flag("survives_rate_limit", step_id, name, kg, "kg" + ctx.per,
                                  f"{name} leaves unreacted although {medium} reacts with it: {b.model}"))
    return flags, broken
