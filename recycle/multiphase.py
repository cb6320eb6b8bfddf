"""Multiphase Gibbs-energy minimisation with Cantera over the phases a data file names.

:func:`equilibrate` distributes given element amounts over the species of the phases of
``chemistry/smelter.yaml`` (gas, slag, alloy, pure phases) at fixed temperature and pressure,
with Cantera's ``Mixture.equilibrate('TP', solver='vcs')``. Why Cantera: it owns the species
data every other step uses, and its VCS solver handles ideal gas, ideal condensed solutions
and pure phases in one problem (Smith and Missen 1982).

Amounts are mol; temperature K; pressure Pa.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

import numpy as np

from .chemistry import ChemistryDB
from .errors import InputError

P_EQUILIBRIUM = 101325.0   # Pa: a bath at atmospheric pressure, the reference pressure of Cantera's species data


@dataclass(frozen=True)
class PhaseSystem:
    """Cantera phases at one temperature and the map from their species to the species index."""

    mixture: object                 # cantera.Mixture
    db_index: np.ndarray            # mixture species k -> position in the species index
    elements: tuple[str, ...]       # elements the phases can hold
    atoms: np.ndarray               # (n_elements, n_mixture_species)
    potentials: Potentials | None = None   # for equilibrate_together


def phase_system(db: ChemistryDB, phases: dict, temperature: float, elements: set[str], where: str) -> PhaseSystem:
    """Cantera phases of ``phases`` (name -> {model, species}) with each species' data in the
    phase stable at ``temperature`` (K), keeping only species made of ``elements`` (a phase
    left empty is dropped). Cached on ``db`` per temperature, phase set and element set."""
    import cantera as ct

    key = ("multiphase", round(float(temperature), 6), tuple(sorted(elements)),
           repr(sorted((k, tuple(v["species"])) for k, v in phases.items())))
    cached = db._enthalpy_cache.get(key)
    if cached is not None:
        return cached
    solutions, db_index = [], []
    for name, spec in phases.items():
        members = []
        for species in spec["species"]:
            if species not in db.index:
                raise InputError(f"{where}: phases.{name}", f"{species!r} is not a tracked species")
            if not set(db.cantera_species[db.index[species]].composition) <= elements:
                continue
            members.append(_species_at(db, species, temperature))
            db_index.append(db.index[species])
        model = spec["model"]
        if not members:
            continue
        with warnings.catch_warnings():
            # Cantera's own Li2O(s) polynomials differ by 0.04 in h/RT at their 1000 K joint;
            # the validation warning is about the shipped data, not about this model
            warnings.filterwarnings("ignore", message="NasaPoly2::validate")
            if model == "fixed-stoichiometry":
                for sp in members:          # a pure phase per species
                    solutions.append(ct.Solution(thermo=model, species=[sp]))
            else:
                solutions.append(ct.Solution(thermo=model, species=members))
    mixture = ct.Mixture([(s, 0.0) for s in solutions])
    mixture.T, mixture.P = float(temperature), P_EQUILIBRIUM
    elements = tuple(e for e in db.elements if _holds(mixture, e))
    atoms = np.array([[mixture.n_atoms(k, e) for k in range(mixture.n_species)] for e in elements])
    system = PhaseSystem(mixture, np.array(db_index), elements, atoms, Potentials.of(mixture))
    db._enthalpy_cache[key] = system
    return system


# Cantera's two multiphase solvers, tried in this order on the same problem: VCS (Smith and
# Missen 1982), then MultiPhaseEquil ("gibbs"), which converges on the rare feeds where VCS
# stops (a random LPSCl + LLZO mix at soc 0 in tests/test_robustness.py). Both minimise the same
# Gibbs energy over the same species; the result is checked for element conservation either way.
SOLVERS = ({"solver": "vcs", "rtol": 1e-12, "max_steps": 2000, "estimate_equil": -1},
           {"solver": "gibbs", "rtol": 1e-12, "max_steps": 5000})


def equilibrate(system: PhaseSystem, elements: dict[str, float], where: str) -> np.ndarray:
    """Equilibrium moles of each mixture species (mol) for ``elements`` (element -> mol).

    The starting point is a non-negative composition with exactly these element amounts
    (non-negative least squares); Cantera then minimises the Gibbs energy (VCS, or Cantera's
    other multiphase solver where VCS stops). A failure of both is an error naming ``where``;
    there is no fallback model."""
    import cantera as ct

    missing = sorted(e for e, n in elements.items() if n > 0 and e not in system.elements)
    if missing:
        raise InputError(where, f"no species of the equilibrium phases holds element(s) {missing}")
    start, scale = _start(system, elements)
    if start is None:
        raise InputError(where, "the element amounts cannot be made of the equilibrium phases' species")
    b = np.array([elements.get(e, 0.0) for e in system.elements])
    mix = system.mixture
    failures = []
    for options in SOLVERS:      # two solvers of the same minimisation over the same phases
        mix.species_moles = start
        try:
            with contextlib.redirect_stdout(io.StringIO()):   # the VCS solver prints diagnostics of empty phases
                mix.equilibrate("TP", **options)
            break
        except ct.CanteraError as exc:
            failures.append(next((line for line in str(exc).splitlines() if line.strip() and "*" not in line),
                                 str(exc)).strip())
    else:
        raise InputError(where, f"the Gibbs-energy minimisation did not converge ({'; '.join(failures)})")
    moles = _polish(system.atoms, np.asarray(mix.species_moles) * scale, b)
    if np.abs(system.atoms @ moles - b).max() > 1e-9 * scale:
        raise InputError(where, "the Gibbs-energy minimisation did not conserve the elements "
                         f"(off by {np.abs(system.atoms @ moles - b).max() / scale:.2g} of the largest element amount)")
    return moles


def _polish(atoms: np.ndarray, moles: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The solver's moles with its element residual (about its 1e-9 tolerance) removed: each
    species changes in proportion to its amount, n_k (1 + sum_e a_ek y_e), with y from
    (A N A^T) y = residual; a trace species that this would make negative is set to zero and
    the correction repeated."""
    for _ in range(8):
        residual = b - atoms @ moles
        if np.abs(residual).max() <= 1e-13 * b.max():
            break
        y = np.linalg.lstsq((atoms * moles) @ atoms.T, residual, rcond=None)[0]
        moles = np.maximum(moles * (1.0 + atoms.T @ y), 0.0)
    return moles


def representable(system: PhaseSystem, elements: dict[str, float]) -> bool:
    """Whether non-negative amounts of the phases' species hold exactly ``elements`` (mol)."""
    if any(n > 0 and e not in system.elements for e, n in elements.items()):
        return False
    return _start(system, elements)[0] is not None


def _start(system: PhaseSystem, elements: dict[str, float]):
    """(non-negative species amounts with the element amounts / scale, scale), or (None, scale)."""
    b = np.array([elements.get(e, 0.0) for e in system.elements])
    scale = max(b.max(), 1e-300)
    start = _polish(system.atoms, nnls(system.atoms, b / scale), b / scale)
    if np.abs(system.atoms @ start - b / scale).max() > 1e-12:     # VCS conserves what it starts from
        return None, scale
    return start, scale


def nnls(A: np.ndarray, b: np.ndarray, max_iter: int | None = None) -> np.ndarray:
    """x >= 0 minimising |A x - b| (Lawson and Hanson 1974, Solving Least Squares Problems, ch. 23)."""
    m, n = A.shape
    tol = 10 * np.finfo(float).eps * np.linalg.norm(A, 1) * max(m, n)
    x = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    w = A.T @ (b - A @ x)
    for _ in range(max_iter or 3 * n):
        if passive.all() or np.max(np.where(passive, -np.inf, w)) <= tol:
            break
        passive[np.argmax(np.where(passive, -np.inf, w))] = True
        while True:
            z = np.zeros(n)
            z[passive] = np.linalg.lstsq(A[:, passive], b, rcond=None)[0]
            if z[passive].min() > 0:
                break
            shrinking = passive & (z <= 0)
            alpha = np.min(x[shrinking] / (x[shrinking] - z[shrinking]))
            x = x + alpha * (z - x)
            passive &= x > tol
            x[~passive] = 0.0
        x = z
        w = A.T @ (b - A @ x)
    return x


def _species_at(db: ChemistryDB, name: str, temperature: float):
    """A Cantera Species of ``name`` with the thermo of its phase stable at ``temperature`` and,
    for a condensed species, the molar volume of its density (m^3/kmol, Cantera's unit)."""
    import cantera as ct

    i = db.index[name]
    data = {"name": name, "composition": dict(db.cantera_species[i].composition),
            "thermo": db.thermo_at(i, temperature).input_data}
    if db.species[i].phase != "gas":
        data["equation-of-state"] = {"model": "constant-volume",
                                     "molar-volume": float(db.molar_mass[i] * 1000.0 / db.density[i])}
    return ct.Species.from_dict(data)


def _holds(mixture, element: str) -> bool:
    import cantera as ct

    try:
        mixture.element_index(element)
    except ct.CanteraError:
        return False
    return True


@dataclass(frozen=True)
class Potentials:
    """The chemical potentials of a PhaseSystem's species at its temperature, as the solver needs
    them: ``mu[k]`` = mu_k/RT - ln x_k (constant for an ideal solution at fixed T and P: the
    standard potential with the pressure term, backed out of Cantera's chemical potentials at a
    uniform composition), the phase of each species, and which phases are pure (one species)."""

    mu: np.ndarray             # (K,) dimensionless
    phase: np.ndarray          # (K,) phase number of each mixture species
    pure: np.ndarray           # (n_phases,) bool

    @classmethod
    def of(cls, mix) -> Potentials:
        """The potentials of the species of Cantera Mixture ``mix`` at its T and P."""
        mu, phase, pure = [], [], []
        for p in range(mix.n_phases):
            sol = mix.phase(p)
            x = np.full(sol.n_species, 1.0 / sol.n_species)
            sol.TPX = mix.T, mix.P, x
            mu.extend(sol.chemical_potentials / (8314.46261815324 * mix.T) - np.log(x))
            phase.extend([p] * sol.n_species)
            pure.append(sol.n_species == 1)
        return cls(np.array(mu), np.array(phase), np.array(pure))


def equilibrate_together(system: PhaseSystem, b: np.ndarray, start: np.ndarray, *, feed: np.ndarray | None = None,
                         start_feed: float = 0.0, constraint: np.ndarray | None = None,
                         max_iterations: int = 60, tolerance: float = 1e-12):
    """Equilibrium moles of the mixture species for each row of element amounts ``b`` (rows,
    elements of ``system``; mol), solved together from ``start`` (K,), Cantera's equilibrium of a
    nearby row: Newton's method on the element potentials, the phase amounts of the phases the
    start holds (ideal solutions and pure phases; Smith and Missen 1982, the nonstoichiometric formulation) and, with
    ``feed``, an amount ``x`` of a feed (atoms per unit, (elements,)) added to each row so that
    ``constraint @ moles`` is zero (``constraint`` (rows, K); the smelter's oxidant metered to
    its CO share). ``start_feed``: the start's ``x``.

    Returns (moles (rows, K), x (rows,), valid (rows,) bool). A row is valid where Newton's
    method converged with the start's phases and the answer is an equilibrium: every pure phase
    held in a non-negative amount, and no phase the start lacks would be stable (a solution
    phase's mole fractions would sum to more than 1, or a pure phase's potential lie below the
    element potentials). Rows that are not valid must be solved otherwise (Cantera)."""
    from .gas_equilibrium import solve_rows

    pot = system.potentials
    a_all = system.atoms.T                                                   # (K, E)
    rows = len(b)
    present_el = b.max(axis=0) > 0
    if feed is not None:
        present_el |= feed > 0
    bad_rows = ((b[:, present_el] <= 0) & ((feed[present_el] <= 0) if feed is not None else True)).any(axis=1)
    species = ~(a_all[:, ~present_el] > 0).any(axis=1)
    a = a_all[np.ix_(species, present_el)]
    mu = pot.mu[species]
    phase = pot.phase[species]
    b = b[:, present_el]
    c = feed[present_el] if feed is not None else None
    s0 = np.asarray(start, float)[species]
    held = np.unique(phase[s0 > 0])
    sol_phases = [p for p in held if not pot.pure[p]]
    pure_phases = [p for p in held if pot.pure[p]]
    pure_k = np.array([np.flatnonzero(phase == p)[0] for p in pure_phases], dtype=int)
    in_sol = np.isin(phase, sol_phases)
    E, P, Q = a.shape[1], len(sol_phases), len(pure_phases)
    # the start's element potentials: ln y_k + mu_k = a_k . lambda over its measurable solution
    # species, and mu_q = a_q . lambda for its pure phases
    y0 = np.zeros(len(s0))
    for p in sol_phases:
        k = phase == p
        y0[k] = s0[k] / s0[k].sum()
    use = in_sol & (y0 > 1e-30)
    lhs = np.vstack([a[use], a[pure_k]])
    rhs = np.concatenate([np.log(y0[use]) + mu[use], mu[pure_k]])
    lam = np.tile(np.linalg.lstsq(lhs, rhs, rcond=None)[0], (rows, 1))
    scale = b.sum(axis=1) / max((s0 @ a).sum() - start_feed * (c.sum() if c is not None else 0.0), 1e-300)
    ln_n = np.log(np.array([s0[phase == p].sum() for p in sol_phases]))[None, :] + np.log(scale)[:, None]
    n_pure = s0[pure_k][None, :] * scale[:, None]
    x = np.full(rows, start_feed) * scale
    metered = feed is not None
    size = E + P + Q + metered
    member = np.array([phase == p for p in sol_phases], dtype=float).T      # (K', P)
    outer = (a[:, :, None] * a[:, None, :]).reshape(len(a), E * E)         # a_k a_k^T of each species
    converged = np.zeros(rows, bool)
    w_all = constraint[:, species] if metered else None
    a_pure = a[pure_k]
    active = np.arange(rows)                 # rows still iterating: a row stops once converged
    for _ in range(max_iterations):
        r = len(active)
        lam_r = lam[active]
        y = np.where(in_sol, np.exp(np.clip(-mu + lam_r @ a.T, -745.0, 700.0)), 0.0)    # (r, K')
        n = y * (np.exp(ln_n[active]) @ member.T)
        n[:, pure_k] = n_pure[active]
        jac = np.zeros((r, size, size))
        res = np.zeros((r, size))
        n_sol = np.where(in_sol, n, 0.0)
        jac[:, :E, :E] = (n_sol @ outer).reshape(r, E, E)
        for i in range(P):
            jac[:, :E, E + i] = (n_sol * member[:, i]) @ a
            jac[:, E + i, :E] = (y * member[:, i]) @ a
        jac[:, :E, E + P:E + P + Q] = a_pure.T[None]
        res[:, :E] = b[active] - n @ a
        res[:, E:E + P] = 1.0 - y @ member
        jac[:, E + P:E + P + Q, :E] = a_pure[None]
        res[:, E + P:E + P + Q] = mu[pure_k] - lam_r @ a_pure.T
        if metered:
            w = w_all[active]
            res[:, :E] += x[active, None] * c
            jac[:, :E, -1] = -c
            wn = w * n_sol
            jac[:, -1, :E] = wn @ a
            jac[:, -1, E:E + P] = wn @ member
            jac[:, -1, E + P:E + P + Q] = w[:, pure_k]
            res[:, -1] = -(w * n).sum(axis=1)
        step, solvable = solve_rows(jac, res)
        step[~solvable] = 0.0                # a singular row is left unconverged (to Cantera)
        change = np.abs(step[:, :E] @ a.T).max(axis=1)
        change = np.maximum(change, np.abs(step[:, E:E + P]).max(axis=1, initial=0.0))
        damp = np.minimum(1.0, 8.0 / np.maximum(change, 1e-300))
        step *= damp[:, None]
        lam[active] += step[:, :E]
        ln_n[active] += step[:, E:E + P]
        n_pure[active] += step[:, E + P:E + P + Q]
        if metered:
            x[active] += step[:, -1]
        amounts = np.c_[n_pure[active], x[active]] if metered else n_pure[active]
        relative = np.abs(step[:, E + P:]) / np.maximum(np.abs(amounts),
                                                       1e-300 + 1e-12 * b[active].sum(axis=1, keepdims=True))
        size_of_step = np.maximum(change * damp, relative.max(axis=1, initial=0.0))
        done = (size_of_step < tolerance) & solvable
        converged[active[done]] = True
        active = active[~done & solvable]
        if not len(active):
            break
    y = np.where(in_sol, np.exp(np.clip(-mu + lam @ a.T, -745.0, 700.0)), 0.0)
    n = y * (np.exp(ln_n) @ member.T)
    n[:, pure_k] = n_pure
    moles = np.zeros((rows, len(species)))
    moles[:, species] = n
    # an equilibrium: pure phases held in non-negative amounts, no absent phase stable
    valid = converged & ~bad_rows & (n_pure >= 0).all(axis=1) & (x >= 0 if metered else True)
    for p in set(range(len(pot.pure))) - set(held):
        k = phase == p
        if not k.any():
            continue
        potential = lam @ a[k].T - mu[k]                                       # ln of would-be mole fractions
        if pot.pure[p]:
            valid &= potential.max(axis=1) < 0
        else:
            valid &= np.exp(np.clip(potential, -745.0, 700.0)).sum(axis=1) < 1
    return moles, x, valid

