"""Ideal-gas chemical equilibrium of many batch rows at once, from Cantera's species data.

Cantera's ``equilibrate`` solves one state per call (about 0.7 ms for the flare's 30 gases).
A Monte Carlo batch has thousands of rows that burn nearly the same gas, so the flare
(:mod:`recycle.steps.flare`) solves them together: Cantera solves one row (the reference),
and every row is then solved from that state by Newton's method on the element potentials,
vectorised over rows in numpy, with the same species, the same NASA 7 coefficients (read from
the Cantera objects) and the same element constraints. :func:`equilibrate` says which rows
converged; the flare (``Flare._together``) solves the others by Cantera, checks two more rows
against Cantera's own ``equilibrate`` and reports the largest difference in its note.

The formulation is the element-potential method (Reynolds, STANJAN, 1986; Gordon and McBride,
NASA RP-1311, 1994, ch. 2): at equilibrium the mole fraction of gas k is
``y_k = exp(-mu0_k/RT - ln(P/P0) + sum_j a_kj lambda_j)`` for dimensionless element
potentials ``lambda_j``. The unknowns per row are ``lambda`` (one per element present),
``ln N`` (total moles) and, at fixed enthalpy, ``ln T``; the equations are the element totals,
``sum y_k = 1`` and, at fixed enthalpy, the energy balance. Units: mol, J, K, Pa.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

R_MOLAR = 8.31446261815324     # J/(mol K), Cantera's gas constant per mol

TOLERANCE = 1e-12              # Newton stops when no step changes ln y, ln N or ln T by more
MAX_ITERATIONS = 60
MAX_LN_STEP = 8.0              # damping: no Newton step changes any ln y by more than this,
MAX_LN_T_STEP = 0.5            # nor ln T by more than this


@dataclass(frozen=True)
class GasThermo:
    """NASA 7 coefficients and element matrix of an ideal-gas Cantera Solution's species."""

    names: tuple[str, ...]
    t_mid: np.ndarray          # (K,) K
    low: np.ndarray            # (K, 7) coefficients up to and including t_mid
    high: np.ndarray           # (K, 7) above t_mid
    elements: tuple[str, ...]
    a: np.ndarray              # (K, E) atoms of element e in species k
    reference_pressure: float  # Pa

    @classmethod
    def of(cls, sol) -> GasThermo:
        """The thermo of Cantera Solution ``sol`` (every species a NASA 7 two-range polynomial)."""
        kinds = {type(sol.species(k).thermo).__name__ for k in range(sol.n_species)}
        if kinds != {"NasaPoly2"}:
            raise NotImplementedError(f"batch equilibria need NASA 7 gases; the solution has {sorted(kinds)}")
        c = np.array([sol.species(k).thermo.coeffs for k in range(sol.n_species)])
        a = np.array([[sol.n_atoms(k, e) for e in sol.element_names] for k in range(sol.n_species)])
        return cls(tuple(sol.species_names), c[:, 0], c[:, 8:15], c[:, 1:8], tuple(sol.element_names), a,
                   float(sol.reference_pressure))

    def _coeffs(self, T: np.ndarray) -> np.ndarray:
        """(rows, K, 7) coefficients at each row's temperature (Cantera's range choice)."""
        return np.where((T[:, None] <= self.t_mid[None, :])[..., None], self.low[None], self.high[None])

    def properties(self, T: np.ndarray):
        """(h/RT, g0/RT, cp/R) of every species at each row's temperature, each (rows, K)."""
        a = self._coeffs(T)
        t = T[:, None]
        h = (a[..., 0] + t * (a[..., 1] / 2 + t * (a[..., 2] / 3 + t * (a[..., 3] / 4 + t * a[..., 4] / 5)))
             + a[..., 5] / t)
        s = (a[..., 0] * np.log(t) + t * (a[..., 1] + t * (a[..., 2] / 2 + t * (a[..., 3] / 3 + t * a[..., 4] / 4)))
             + a[..., 6])
        cp = a[..., 0] + t * (a[..., 1] + t * (a[..., 2] + t * (a[..., 3] + t * a[..., 4])))
        return h, h - s, cp


def solve_rows(jac: np.ndarray, res: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps of a stack of systems ``jac`` (rows, m, m) ``step = res`` (rows, m), and
    which rows had one: a singular row gets no step (NaN) instead of stopping every row."""
    try:
        return np.linalg.solve(jac, res[..., None])[..., 0], np.ones(len(jac), bool)
    except np.linalg.LinAlgError:
        step, ok = np.full(res.shape, np.nan), np.ones(len(jac), bool)
        for r in range(len(jac)):
            try:
                step[r] = np.linalg.solve(jac[r], res[r])
            except np.linalg.LinAlgError:
                ok[r] = False
        return step, ok


def equilibrate(thermo: GasThermo, moles: np.ndarray, start_moles: np.ndarray, start_T: np.ndarray,
                enthalpy: np.ndarray | None = None, temperature: np.ndarray | None = None,
                pressure: float = 101325.0):
    """Equilibrium of each row of ``moles`` (rows, K; mol) at fixed enthalpy ``enthalpy`` (J per
    row, "HP") or at fixed ``temperature`` (K per row, "TP"), at ``pressure`` (Pa).

    ``start_moles`` (K,) and ``start_T`` (K) are an equilibrium state near the rows (Cantera's
    solution of a reference row): its element potentials start Newton's method. Returns (moles (rows, K), T (rows,), converged (rows,) bool); a row that does not
    converge in MAX_ITERATIONS is marked so (its values are not to be used)."""
    if (enthalpy is None) == (temperature is None):
        raise ValueError("give the enthalpy (HP) or the temperature (TP)")
    rows = len(moles)
    b = moles @ thermo.a                                                   # (rows, E) element totals
    present = b.max(axis=0) > 0
    if np.any((b[:, present] <= 0).any(axis=1)):
        raise ValueError("an element is absent from some rows and present in others")
    allowed = ~(thermo.a[:, ~present] > 0).any(axis=1)                     # species of present elements only
    sub = GasThermo(tuple(np.array(thermo.names)[allowed]), thermo.t_mid[allowed], thermo.low[allowed],
                    thermo.high[allowed], tuple(np.array(thermo.elements)[present]), thermo.a[np.ix_(allowed, present)],
                    thermo.reference_pressure)
    a = sub.a                                                              # (K', E')
    b = b[:, present]
    E = a.shape[1]
    outer = (a[:, :, None] * a[:, None, :]).reshape(len(a), E * E)         # a_k a_k^T of each species
    start_moles = np.asarray(start_moles, float)[allowed]
    ln_p = np.log(pressure / thermo.reference_pressure)
    # element potentials of the start: least squares of ln y_k + g_k + ln(P/P0) = a_k . lambda
    # over the species the start holds in measurable amounts
    g0 = sub.properties(np.array([float(start_T)]))[1][0]
    y0 = start_moles / start_moles.sum()
    major = y0 > 1e-30
    lam0 = np.linalg.lstsq(a[major], np.log(y0[major]) + g0[major] + ln_p, rcond=None)[0]
    lam = np.tile(lam0, (rows, 1))
    ln_n = np.log(start_moles.sum() * b.sum(axis=1) / (start_moles @ a).sum())   # the start's N, scaled
    hp = enthalpy is not None
    if hp:
        enthalpy = np.broadcast_to(np.asarray(enthalpy, float), (rows,))
        T = np.full(rows, float(start_T))
    else:
        T = np.broadcast_to(np.asarray(temperature, float), (rows,)).copy()
        h, g, cp = sub.properties(T)
    size = E + 1 + hp
    converged = np.zeros(rows, bool)
    g_fixed = None if hp else g
    active = np.arange(rows)                 # rows still iterating: a row stops once converged
    for _ in range(MAX_ITERATIONS):
        r = len(active)
        if hp:
            h, g, cp = sub.properties(T[active])
        else:
            g = g_fixed[active]
        lam_r, b_r = lam[active], b[active]
        y = np.exp(np.clip(-g - ln_p + lam_r @ a.T, -745.0, 700.0))        # (r, K')
        n = np.exp(ln_n[active])[:, None] * y
        jac = np.empty((r, size, size))
        res = np.empty((r, size))
        na = n @ a                                                           # (r, E) element totals
        jac[:, :E, :E] = (n @ outer).reshape(r, E, E)
        jac[:, :E, E] = na
        res[:, :E] = b_r - na
        jac[:, E, :E] = y @ a
        jac[:, E, E] = 0.0
        res[:, E] = 1.0 - y.sum(axis=1)
        if hp:
            rt = R_MOLAR * T[active]
            nh = n * h
            jac[:, :E, E + 1] = jac[:, E + 1, :E] = nh @ a
            jac[:, E, E + 1] = (y * h).sum(axis=1)
            jac[:, E + 1, E] = nh.sum(axis=1)
            jac[:, E + 1, E + 1] = (n * (h * h + cp - h)).sum(axis=1) + enthalpy[active] / rt
            res[:, E + 1] = enthalpy[active] / rt - nh.sum(axis=1)
        step, solvable = solve_rows(jac, res)
        if not solvable.all():               # a singular row is left unconverged (to Cantera)
            step[~solvable] = 0.0
        # damped Newton: a step changes no ln y by more than MAX_LN_STEP, ln T by no more than
        # MAX_LN_T_STEP
        ln_y_step = np.abs(step[:, :E] @ a.T).max(axis=1)
        change = ln_y_step / MAX_LN_STEP
        if hp:
            change = np.maximum(change, np.abs(step[:, E + 1]) / MAX_LN_T_STEP)
        scale = np.minimum(1.0, 1.0 / np.maximum(change, 1e-300))
        step *= scale[:, None]
        lam[active] += step[:, :E]
        ln_n[active] += step[:, E]
        if hp:
            T[active] = T[active] * np.exp(step[:, E + 1])
        size_of_step = np.maximum(ln_y_step * scale, np.abs(step[:, E]))
        if hp:
            size_of_step = np.maximum(size_of_step, np.abs(step[:, E + 1]))
        done = (size_of_step < TOLERANCE) & solvable
        converged[active[done]] = True
        active = active[~done & solvable]
        if not len(active):
            break
    g = sub.properties(T)[1] if hp else g_fixed
    out = np.zeros((rows, thermo.a.shape[0]))
    out[:, allowed] = np.exp(ln_n)[:, None] * np.exp(np.clip(-g - ln_p + lam @ a.T, -745.0, 700.0))
    return out, T, converged


__all__ = ["GasThermo", "equilibrate", "solve_rows"]
