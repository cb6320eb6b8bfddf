"""Reactions as data: stoichiometry from ``chemistry/reactions*.yaml``, enthalpy from Cantera.

A reaction is a stoichiometric vector over the species index (negative for reactants). Its
element balance is checked when the file loads; its enthalpy is never typed in but computed
from the species' Cantera thermochemistry at the temperature asked for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .chemistry import ChemistryDB
from .errors import InputError
from .yamlio import load_yaml_file

_TERM = re.compile(r"^\s*(?:(\d+(?:\.\d+)?|\d*\.\d+)\s+)?(\S+)\s*$")


@dataclass(frozen=True)
class Reaction:
    """One reaction: ``stoich`` (mol per mol of reaction, over the species index)."""

    id: str
    equation: str
    stoich: np.ndarray
    key: str              # the reactant a step meters the extent by
    tags: tuple[str, ...]
    source: str

    def coefficient(self, db: ChemistryDB, species: str) -> float:
        return float(self.stoich[db.index[species]])

    def enthalpy(self, db: ChemistryDB, temperature: float) -> float:
        """Reaction enthalpy, J per mol of reaction as written, at ``temperature`` (K)."""
        return float(self.stoich @ db.enthalpy(temperature))

    def gibbs_energy(self, db: ChemistryDB, temperature: float) -> float:
        """Standard reaction Gibbs energy, J per mol of reaction, at ``temperature`` (K)."""
        return float(self.stoich @ db.gibbs(temperature))


def parse_equation(equation: str, db: ChemistryDB, where: str) -> tuple[np.ndarray, list[str]]:
    """Stoichiometric vector of ``"2 Li(cr) + 2 H2O(L) => 2 LiOH(s) + H2"`` and its reactants
    in the order written."""
    if equation.count("=>") != 1:
        raise InputError(where, f"equation {equation!r} needs exactly one '=>'")
    left, right = equation.split("=>")
    nu = np.zeros(db.n_species)
    reactants: list[str] = []
    for side, sign in ((left, -1.0), (right, 1.0)):
        for term in side.split(" + "):
            m = _TERM.match(term)
            if not m:
                raise InputError(where, f"cannot read term {term.strip()!r} of {equation!r}")
            coef = float(m.group(1)) if m.group(1) else 1.0
            name = m.group(2)
            if name not in db.index:
                db.resolve(name, where)  # raises with the closest names
                raise InputError(where, f"use the exact species name {db.aliases[name]!r}, not {name!r}")
            nu[db.index[name]] += sign * coef
            if sign < 0:
                reactants.append(name)
    return nu, reactants


def element_imbalance(db: ChemistryDB, stoich: np.ndarray) -> dict[str, float]:
    """Elements whose atoms are not conserved by ``stoich`` (element -> net atoms)."""
    net = db.element_matrix @ stoich
    return {e: float(v) for e, v in zip(db.elements, net) if abs(v) > 1e-9}


def load_reactions(db: ChemistryDB, path=None) -> dict[str, Reaction]:
    """Load and element-check every reaction of ``chemistry/reactions*.yaml`` (or of ``path``).

    Reactions are grouped in files by process area (``reactions.yaml``,
    ``reactions_hydromet.yaml``, ...); ids must be unique across files.
    """
    paths = [path] if path else sorted(db.directory.glob("reactions*.yaml"))
    out: dict[str, Reaction] = {}
    for p in paths:
        _load_file(db, p, out)
    return out


def _load_file(db: ChemistryDB, path, out: dict[str, Reaction]) -> None:
    label = f"chemistry/{path.name}"
    data = load_yaml_file(path, label)
    for rid, entry in (data.get("reactions") or {}).items():
        where = f"{label}: reactions.{rid}"
        if rid in out:
            raise InputError(where, "reaction id already defined in another reactions file")
        if not isinstance(entry, dict) or "equation" not in entry:
            raise InputError(where, "needs an 'equation'")
        unknown = set(entry) - {"equation", "key", "tags", "source", "description"}
        if unknown:
            raise InputError(where, f"unknown keys {sorted(unknown)}")
        nu, reactants = parse_equation(entry["equation"], db, where + ".equation")
        bad = element_imbalance(db, nu)
        if bad:
            raise InputError(where, f"equation {entry['equation']!r} does not balance: "
                             + ", ".join(f"{e} {v:+g}" for e, v in bad.items()))
        key = entry.get("key", reactants[0] if reactants else None)
        if key not in reactants:
            raise InputError(where + ".key", f"{key!r} is not a reactant of {entry['equation']!r}")
        if "source" not in entry:
            raise InputError(where, "needs a 'source'")
        out[rid] = Reaction(rid, entry["equation"], nu, key, tuple(entry.get("tags", ())),
                            str(entry["source"]))
