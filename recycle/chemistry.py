"""The chemistry database: species index, element matrix, Cantera thermochemistry.

:class:`ChemistryDB` loads ``chemistry/`` once and is passed explicitly to everything that
needs it. It owns the species index that every stream is a vector over.

Units: molar mass kg/mol, density kg/m^3, molar enthalpy J/mol (formation enthalpy
included, Cantera's convention), temperature K.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from .constants import R_GAS
from .errors import InputError, closest
from .units import to_si
from .yamlio import load_yaml_file

PHASES = ("gas", "liquid", "solid")


@dataclass(frozen=True)
class SpeciesInfo:
    """What recycle knows of one species besides its thermochemistry."""

    name: str
    phase: str                  # gas | liquid | solid
    source_file: str            # the YAML file its data came from
    role: str = "other"         # anode, cathode, electrolyte, ...
    family: str | None = None   # electrolyte family: sulfide, oxide, halide, ...


def _thermo_h(thermo, T: np.ndarray) -> np.ndarray:
    """Molar enthalpy (J/mol) of one Cantera species thermo at temperatures ``T`` (K), from its
    coefficients, as Cantera evaluates them: NASA 7 (low range up to and including T_mid), NASA 9
    (the last region whose lower bound T reaches), constant cp (h0 + cp0 (T - T0))."""
    c = np.asarray(thermo.coeffs, dtype=float)
    kind = type(thermo).__name__
    if kind == "NasaPoly2":
        a = np.where((T <= c[0])[:, None], c[8:15], c[1:8])
        h_rt = (a[:, 0] + T * (a[:, 1] / 2 + T * (a[:, 2] / 3 + T * (a[:, 3] / 4 + T * a[:, 4] / 5)))
                + a[:, 5] / T)
        return h_rt * T * _R_MOLAR
    if kind == "Nasa9PolyMultiTempRegion":
        zones = c[1:].reshape(int(c[0]), 11)
        region = (T[:, None] >= zones[1:, 0][None, :]).sum(axis=1)
        a = zones[region, 2:]
        h_rt = (-a[:, 0] / T ** 2 + a[:, 1] * np.log(T) / T + a[:, 2]
                + T * (a[:, 3] / 2 + T * (a[:, 4] / 3 + T * (a[:, 5] / 4 + T * a[:, 6] / 5))) + a[:, 7] / T)
        return h_rt * T * _R_MOLAR
    if kind == "ConstantCp":
        return (c[1] + c[3] * (T - c[0])) / 1000.0
    raise NotImplementedError(f"no numpy enthalpy for Cantera thermo {kind}")


_R_MOLAR = 8.31446261815324     # J/(mol K): Cantera's gas constant (8314.46... J/(kmol K)) per mol


@dataclass(repr=False)
class ChemistryDB:
    """Species index with element matrix and Cantera species objects.

    Build it with :meth:`load`. ``index[name]`` gives the position of a species in every
    stream vector.
    """

    directory: Path
    species: list[SpeciesInfo]
    cantera_species: list                # cantera.Species, same order as ``species``
    density: np.ndarray                  # kg/m^3 (nan for gases)
    aliases: dict[str, str]
    phases: list = field(default_factory=list)   # per species: its Cantera thermo by phase, coldest first
    aqueous: dict = field(default_factory=dict)  # species index -> Cantera thermo of its dissolved state
    _enthalpy_cache: dict = field(default_factory=dict, repr=False)  # keyed, pure caches

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: Path | str | None = None) -> "ChemistryDB":
        """Load the species index from ``directory`` (default: the shipped ``chemistry/``)."""
        import cantera as ct

        from .resources import chemistry_dir

        directory = Path(directory) if directory is not None else chemistry_dir()
        index_file = directory / "species_index.yaml"
        index = load_yaml_file(index_file, "chemistry/species_index.yaml")
        roles = _read_roles(index.get("roles", {}))

        infos: list[SpeciesInfo] = []
        objects: list = []
        densities: list[float] = []

        gas_names = list(index["gases"])
        shipped_gas = {s.name: s for s in ct.Species.list_from_file("nasa_gas.yaml")}
        for name in gas_names:
            if name not in shipped_gas:
                raise InputError("chemistry/species_index.yaml: gases",
                                 f"{name!r} is not in nasa_gas.yaml; {closest(name, shipped_gas)}")
            infos.append(SpeciesInfo(name, "gas", "nasa_gas.yaml", *roles.get(name, ("other", None))))
            objects.append(shipped_gas[name])
            densities.append(np.nan)

        dens_file = directory / "nasa_densities.yaml"
        dens = load_yaml_file(dens_file, "chemistry/nasa_densities.yaml")["densities"]
        shipped_cond = {s.name: s for s in ct.Species.list_from_file("nasa_condensed.yaml")}
        for name, entry in dens.items():
            where = f"chemistry/nasa_densities.yaml: densities.{name}"
            if name not in shipped_cond:
                raise InputError(where, f"not a species of nasa_condensed.yaml; {closest(name, shipped_cond)}")
            infos.append(SpeciesInfo(name, _phase_of(name), "nasa_condensed.yaml",
                                     *roles.get(name, ("other", None))))
            objects.append(shipped_cond[name])
            densities.append(to_si(entry["density"], "density", where + ".density"))

        for fname in _species_files(directory, index):
            path = directory / fname
            data = load_yaml_file(path, f"chemistry/{fname}")
            try:
                loaded = ct.Species.list_from_file(str(path))
            except ct.CanteraError as exc:
                raise InputError(f"chemistry/{fname}", f"Cantera cannot read it: {exc}") from None
            for sp, raw in zip(loaded, data["species"]):
                where = f"chemistry/{fname}: species {sp.name}"
                if raw.get("phase") == "gas":
                    # a vapour the NASA data lack (THF): an ideal gas of the project's own data
                    infos.append(SpeciesInfo(sp.name, "gas", fname, *roles.get(sp.name, ("other", None))))
                    objects.append(sp)
                    densities.append(np.nan)
                    continue
                eos = raw.get("equation-of-state") or {}
                if "density" not in eos:
                    raise InputError(where, "condensed species needs equation-of-state.density")
                infos.append(SpeciesInfo(sp.name, _phase_of(sp.name), fname,
                                         *roles.get(sp.name, ("other", None))))
                objects.append(sp)
                densities.append(to_si(eos["density"], "density", where + ".density"))

        names = [i.name for i in infos]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise InputError("chemistry/", f"species defined twice: {sorted(dupes)}")
        unknown_roles = set(roles) - set(names)
        if unknown_roles:
            raise InputError("chemistry/species_index.yaml: roles",
                             f"unknown species {sorted(unknown_roles)}")
        aliases = _build_aliases(names, index.get("aliases", {}))
        return cls(directory, infos, objects, np.array(densities), aliases, _phase_sequences(objects, infos, shipped_cond),
                   _aqueous_states(directory, {n: i for i, n in enumerate(names)}))

    def __repr__(self) -> str:
        return f"ChemistryDB({self.directory}, {self.n_species} species)"

    # ------------------------------------------------------------------ index
    @cached_property
    def names(self) -> list[str]:
        return [s.name for s in self.species]

    @cached_property
    def index(self) -> dict[str, int]:
        """Position of each species in a stream vector."""
        return {n: i for i, n in enumerate(self.names)}

    @property
    def n_species(self) -> int:
        return len(self.species)

    @cached_property
    def elements(self) -> list[str]:
        found = sorted({e for sp in self.cantera_species for e in sp.composition})
        return found

    @cached_property
    def element_matrix(self) -> np.ndarray:
        """``E[element, species]``: atoms of each element per molecule (mol/mol)."""
        E = np.zeros((len(self.elements), self.n_species))
        row = {e: i for i, e in enumerate(self.elements)}
        for j, sp in enumerate(self.cantera_species):
            for el, n in sp.composition.items():
                E[row[el], j] = n
        return E

    @cached_property
    def molar_mass(self) -> np.ndarray:
        """Molar mass of each species, kg/mol (Cantera's atomic weights)."""
        import cantera as ct

        weights = np.array([ct.Element(e).weight for e in self.elements]) / 1000.0
        return weights @ self.element_matrix

    @cached_property
    def element_molar_mass(self) -> np.ndarray:
        import cantera as ct

        return np.array([ct.Element(e).weight for e in self.elements]) / 1000.0

    @cached_property
    def is_gas(self) -> np.ndarray:
        return np.array([s.phase == "gas" for s in self.species])

    def mask(self, *, role: str | None = None, family: str | None = None,
             phase: str | None = None) -> np.ndarray:
        """Boolean vector selecting species by role, electrolyte family and/or phase."""
        return np.array([(role is None or s.role == role)
                         and (family is None or s.family == family)
                         and (phase is None or s.phase == phase) for s in self.species])

    def phase_is(self, phase: str) -> np.ndarray:
        """Boolean vector of the species in ``phase`` (gas, liquid or solid)."""
        return np.array([s.phase == phase for s in self.species])

    def resolve(self, name: str, where: str) -> str:
        """The index name for what a user typed (exact name, alias or name without phase)."""
        if name in self.index:
            return name
        if name in self.aliases:
            return self.aliases[name]
        raise InputError(where, f"unknown species {name!r}; "
                         f"{closest(name, list(self.index) + list(self.aliases))}")

    def vector(self, amounts: dict[str, float]) -> np.ndarray:
        """A species vector (mol) from ``{exact species name: mol}``."""
        v = np.zeros(self.n_species)
        for name, n in amounts.items():
            v[self.index[name]] += n
        return v

    # ------------------------------------------------------------------ thermo
    def thermo_at(self, i: int, temperature: float, aqueous: bool = False):
        """The Cantera thermo of species ``i`` in the phase stable at ``temperature`` (K); its
        dissolved state (chemistry/aqueous.yaml) if ``aqueous`` and it has one.

        A species that Cantera ships as several phases (Li(cr) to 453.69 K, then Li(L);
        Li2SO4 a, b, L) is computed in the phase whose range holds the temperature, so solid
        Li is never extrapolated into a smelter: the phase is chosen by temperature, the
        species (and its stream position) stays the same. Other species keep their own data."""
        if aqueous and i in self.aqueous:
            return self.aqueous[i]
        phases = self.phases[i] if self.phases else ()
        if len(phases) < 2:
            return self.cantera_species[i].thermo
        for thermo in phases:
            if temperature <= thermo.max_temp:
                return thermo
        return phases[-1]

    def enthalpy(self, temperature: float) -> np.ndarray:
        """Molar enthalpy of every species at ``temperature`` (K), J/mol, from Cantera, each in
        the phase stable at that temperature (:meth:`thermo_at`).

        Includes the enthalpy of formation, so ``-(n_out - n_in) @ h`` is the heat a step
        releases at that temperature. Cached per temperature.
        """
        key = round(float(temperature), 6)
        h = self._enthalpy_cache.get(key)
        if h is None:
            h = np.array([self.thermo_at(i, key).h(key) for i in range(self.n_species)]) / 1000.0
            self._enthalpy_cache[key] = h
        return h

    def enthalpy_aqueous(self, temperature: float) -> np.ndarray:
        """Molar enthalpy (J/mol) of every species as it is in an aqueous solution at
        ``temperature`` (K): the infinite-dilution value of ``chemistry/aqueous.yaml`` for the
        dissolved salts, acids and bases listed there, the pure-phase value for the rest."""
        key = ("aq", round(float(temperature), 6))
        h = self._enthalpy_cache.get(key)
        if h is None:
            h = self.enthalpy(key[1]).copy()
            for i, thermo in self.aqueous.items():
                h[i] = thermo.h(key[1]) / 1000.0
            self._enthalpy_cache[key] = h
        return h

    def stream_enthalpy(self, amounts: np.ndarray, temperature, aqueous: bool = False) -> np.ndarray:
        """Enthalpy (J) of each batch row of ``amounts`` (batch, species; mol) at ``temperature``
        (K, scalar or one per row); dissolved where the stream is ``aqueous``
        (:meth:`enthalpy_aqueous`). A Monte Carlo batch groups its rows by temperature."""
        T = np.broadcast_to(np.asarray(temperature, dtype=float), (len(amounts),))
        h = self.enthalpy_aqueous if aqueous else self.enthalpy
        if len(T) <= 2:                        # a plan's two rows
            return np.array([amounts[b] @ h(T[b]) for b in range(len(amounts))])
        out = np.empty(len(amounts))
        unique, count = np.unique(T, return_counts=True)
        if len(unique) > 8:        # temperatures of one row each (flame exits): in numpy, not cached,
            once = np.isin(T, unique[count == 1])       # so a long Monte Carlo does not fill the cache
            out[once] = np.einsum("ij,ij->i", amounts[once], self.enthalpy_at(T[once], aqueous))
            unique = unique[count > 1]
        for t in unique:
            rows = T == t
            out[rows] = amounts[rows] @ h(t)
        return out

    def enthalpy_at(self, temperatures: np.ndarray, aqueous: bool = False) -> np.ndarray:
        """Molar enthalpy (J/mol) of every species at each of ``temperatures`` (K), shape
        (len(temperatures), n_species): :meth:`enthalpy` (or :meth:`enthalpy_aqueous`) at many
        temperatures at once. Each species' Cantera thermo (the phase stable at each temperature,
        :meth:`thermo_at`) is evaluated in numpy from its own coefficients (NASA 7 two-range,
        NASA 9 multi-region or constant cp, with Cantera's range choice); equal to Cantera's value
        to round-off (tests/test_batch_mc.py). Not cached."""
        T = np.round(np.asarray(temperatures, dtype=float), 6)
        out = np.empty((len(T), self.n_species))
        for i in range(self.n_species):
            if aqueous and i in self.aqueous:
                out[:, i] = _thermo_h(self.aqueous[i], T)
                continue
            phases = self.phases[i] if self.phases else ()
            if len(phases) < 2:
                out[:, i] = _thermo_h(self.cantera_species[i].thermo, T)
                continue
            # thermo_at: the first phase whose range reaches T, the last beyond them all
            choice = np.full(len(T), len(phases) - 1)
            for k in range(len(phases) - 2, -1, -1):
                choice = np.where(T <= phases[k].max_temp, k, choice)
            col = np.empty(len(T))
            for k, thermo in enumerate(phases):
                rows = choice == k
                if rows.any():
                    col[rows] = _thermo_h(thermo, T[rows])
            out[:, i] = col
        return out

    @cached_property
    def dissolves(self) -> np.ndarray:
        """Species with a dissolved state in ``chemistry/aqueous.yaml``."""
        return np.array([i in self.aqueous for i in range(self.n_species)])

    def heat_capacity(self, temperature: float) -> np.ndarray:
        """Molar heat capacity cp of every species at ``temperature`` (K), J/(mol K), in the
        phase stable there. Cached."""
        key = ("cp", round(float(temperature), 6))
        cp = self._enthalpy_cache.get(key)
        if cp is None:
            cp = np.array([self.thermo_at(i, key[1]).cp(key[1]) for i in range(self.n_species)]) / 1000.0
            self._enthalpy_cache[key] = cp
        return cp

    def data(self, fname: str):
        """A parsed YAML file of this chemistry folder (e.g. 'hazards.yaml'), read once."""
        key = ("file", fname)
        if key not in self._enthalpy_cache:
            self._enthalpy_cache[key] = load_yaml_file(self.directory / fname, f"chemistry/{fname}")
        return self._enthalpy_cache[key]

    def gibbs(self, temperature: float) -> np.ndarray:
        """Standard molar Gibbs energy g = h - T s of every species, J/mol (1 bar), from Cantera,
        each in the phase stable at the temperature."""
        T = float(temperature)
        s = np.array([self.thermo_at(i, T).s(T) for i in range(self.n_species)]) / 1000.0
        return self.enthalpy(T) - T * s

    def temperature_range(self, aqueous: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest temperature (K) of each species' thermo data, over its phases (of
        its dissolved state, where it has one, if ``aqueous``). Cached."""
        key = ("range", bool(aqueous))
        if key not in self._enthalpy_cache:
            lo = np.array([min(t.min_temp for t in self._phases_of(i, aqueous)) for i in range(self.n_species)])
            hi = np.array([max(t.max_temp for t in self._phases_of(i, aqueous)) for i in range(self.n_species)])
            self._enthalpy_cache[key] = (lo, hi)
        return self._enthalpy_cache[key]

    def _phases_of(self, i: int, aqueous: bool = False):
        if aqueous and i in self.aqueous:
            return (self.aqueous[i],)
        return self.phases[i] if self.phases and self.phases[i] else (self.cantera_species[i].thermo,)

    def out_of_range(self, species_mask: np.ndarray, temperature: float, margin: float = 1e-6,
                     aqueous: bool = False) -> list[str]:
        """Species of ``species_mask`` whose thermo data (dissolved state if ``aqueous``) miss
        ``temperature`` by more than ``margin`` K."""
        lo, hi = self.temperature_range(aqueous)
        bad = species_mask & ((temperature < lo - margin) | (temperature > hi + margin))
        return [self.names[i] for i in np.flatnonzero(bad)]

    def extrapolation_error(self, amounts: np.ndarray, temperature, margin: float = 25.0,
                            aqueous: bool = False) -> tuple[np.ndarray, list[str]]:
        """An estimate (J per batch row) of how far the enthalpy of ``amounts`` (batch, species)
        at ``temperature`` (K, scalar or per row) may be off because species are evaluated more
        than ``margin`` K outside their data, and those species' names. Per mol: the gap between
        the data's own extrapolation and a constant-Cp one from the range's edge, plus a quarter
        of the sensible heat beyond the edge (the Cp there is not known; estimate of this
        project, S). ``aqueous``: the dissolved species are in solution."""
        lo, hi = self.temperature_range(aqueous)
        rows = len(amounts)
        T = np.broadcast_to(np.asarray(temperature, dtype=float), (rows,))
        error = np.zeros(rows)
        names: set[str] = set()
        # the rows and species evaluated outside their data, found at once (rarely any); each
        # then estimated as before, row by row in ascending species order
        if rows and np.all(T == T[0]):       # one temperature (most streams): the species outside first
            cols = np.flatnonzero((T[0] < lo - margin) | (T[0] > hi + margin))
            outside_any = amounts[:, cols] > 0
        else:
            cols = np.arange(amounts.shape[1])
            outside_any = (amounts > 0) & ((T[:, None] < lo - margin) | (T[:, None] > hi + margin))
        for b in np.flatnonzero(outside_any.any(axis=1)):
            for i in cols[outside_any[b]]:
                edge = hi[i] if T[b] > hi[i] else lo[i]
                thermo = self.thermo_at(i, edge, aqueous)
                h_edge, cp_edge = thermo.h(edge) / 1000.0, thermo.cp(edge) / 1000.0
                h_data = self.thermo_at(i, T[b], aqueous).h(T[b]) / 1000.0
                per_mol = abs(h_data - h_edge - cp_edge * (T[b] - edge)) + 0.25 * abs(cp_edge * (T[b] - edge))
                error[b] += amounts[b, i] * per_mol
                names.add(self.names[i])
        return error, sorted(names)

    def gas_solution(self, exclude: tuple[str, ...] = ()):
        """A Cantera ideal-gas Solution of the tracked gases less ``exclude``, cached per set.

        Equilibria are restricted to the species that can form at the step's time scale
        (this project's observation with Cantera 3.2.0, S: unrestricted equilibria form
        kinetically impossible products).
        """
        import cantera as ct

        key = ("gas", tuple(sorted(exclude)))
        sol = self._enthalpy_cache.get(key)
        if sol is None:
            gases = [sp for sp, info in zip(self.cantera_species, self.species)
                     if info.phase == "gas" and info.name not in exclude]
            sol = ct.Solution(thermo="ideal-gas", species=gases)
            self._enthalpy_cache[key] = sol
        return sol

    def gas_thermo(self, exclude: tuple[str, ...] = ()):
        """The NASA 7 coefficients and element matrix of :meth:`gas_solution` as numpy arrays
        (:class:`recycle.gas_equilibrium.GasThermo`), cached per set."""
        from .gas_equilibrium import GasThermo

        key = ("gas_thermo", tuple(sorted(exclude)))
        thermo = self._enthalpy_cache.get(key)
        if thermo is None:
            thermo = self._enthalpy_cache[key] = GasThermo.of(self.gas_solution(exclude))
        return thermo

    # ------------------------------------------------------------------ helpers
    def element_totals(self, amounts: np.ndarray) -> np.ndarray:
        """Moles of each element in ``amounts`` (..., n_species) -> (..., n_elements)."""
        return amounts @ self.element_matrix.T

    def mass(self, amounts: np.ndarray) -> np.ndarray:
        """Mass (kg) of ``amounts`` (..., n_species) in mol."""
        return amounts @ self.molar_mass

    def sources(self) -> dict[str, str]:
        """Where each project file's data comes from (its ``description``)."""
        out = {}
        for fname in ("species_index.yaml", "nasa_densities.yaml", "species.yaml",
                      "species_process.yaml", "reactions.yaml", "cells.yaml"):
            path = self.directory / fname
            if path.exists():
                out[fname] = str(load_yaml_file(path).get("description", "")).strip()
        return out


def _aqueous_states(directory: Path, index: dict[str, int]) -> dict:
    """Infinite-dilution thermo of each species of ``aqueous.yaml`` as a Cantera NASA
    polynomial: enthalpy and entropy at 298.15 K from aqueous.yaml (NBS), heat capacity from the
    HKF fit of ``aqueous_hkf.yaml``, valid 0-250 C."""
    path = directory / "aqueous.yaml"
    if not path.exists():
        return {}
    label, hkf_label = "chemistry/aqueous.yaml", "chemistry/aqueous_hkf.yaml"
    hkf_path = directory / "aqueous_hkf.yaml"
    fits = (load_yaml_file(hkf_path, hkf_label).get("solutes") or {}) if hkf_path.exists() else {}
    out = {}
    for name, entry in (load_yaml_file(path, label).get("solutes") or {}).items():
        where = f"{label}: solutes.{name}"
        if name not in index:
            raise InputError(where, f"unknown species; {closest(name, index)}")
        if not isinstance(entry, dict) or not {"ions", "h0", "s0", "cp0", "source", "quality"} <= set(entry):
            raise InputError(where, "needs ions, h0, s0, cp0, source and quality")
        fit = fits.get(name)
        if not isinstance(fit, dict) or fit.get("ions") != entry["ions"]:
            raise InputError(f"{hkf_label}: solutes.{name}",
                             "no heat-capacity fit for these ions; rebuild it with tools/build_aqueous_hkf.py")
        coeffs = [*fit.get("cp_low", []), *fit.get("cp_high", []), *fit.get("t_range", [])]
        if len(coeffs) != 13 or not all(isinstance(c, (int, float)) and np.isfinite(c) for c in coeffs):
            raise InputError(f"{hkf_label}: solutes.{name}", "needs t_range (3) and cp_low, cp_high (5 numbers each)")
        h0 = to_si(entry["h0"], "molar_energy", where + ".h0")            # J/mol
        s0 = to_si(entry["s0"], "molar_entropy", where + ".s0")           # J/mol/K
        out[index[name]] = _nasa_from_heat_capacity(fit, h0, s0)
    return out


def _nasa_from_heat_capacity(fit: dict, h0: float, s0: float):
    """A Cantera NasaPoly2 whose Cp/R is ``fit``'s quartics (cp_low below t_mid, cp_high
    above) and whose enthalpy ``h0`` (J/mol) and entropy ``s0`` (J/mol/K) hold at 298.15 K;
    the high range continues the low one's enthalpy and entropy at t_mid."""
    import cantera as ct

    t_min, t_mid, t_max = (float(t) for t in fit["t_range"])

    def h_over_r(a, T):      # h/R without the integration constant, K
        return T * (a[0] + a[1] * T / 2 + a[2] * T**2 / 3 + a[3] * T**3 / 4 + a[4] * T**4 / 5)

    def s_over_r(a, T):      # s/R without the integration constant
        return a[0] * np.log(T) + a[1] * T + a[2] * T**2 / 2 + a[3] * T**3 / 3 + a[4] * T**4 / 4

    low, high = [float(c) for c in fit["cp_low"]], [float(c) for c in fit["cp_high"]]
    t_ref = 298.15
    low += [h0 / R_GAS - h_over_r(low, t_ref), s0 / R_GAS - s_over_r(low, t_ref)]
    h_mid = h_over_r(low, t_mid) + low[5]
    s_mid = s_over_r(low, t_mid) + low[6]
    high += [h_mid - h_over_r(high, t_mid), s_mid - s_over_r(high, t_mid)]
    return ct.NasaPoly2(t_min, t_max, 101325.0, [t_mid, *high, *low])


def _phase_sequences(objects: list, infos: list[SpeciesInfo], shipped: dict) -> list[tuple]:
    """For each species from Cantera's nasa_condensed.yaml, the thermo of every shipped phase of
    the same composition, coldest first (Li(cr), Li(L)); a one-element tuple otherwise."""
    by_composition: dict[tuple, list] = {}
    for sp in shipped.values():
        by_composition.setdefault(tuple(sorted(sp.composition.items())), []).append(sp.thermo)
    out = []
    for sp, info in zip(objects, infos):
        if info.source_file != "nasa_condensed.yaml":
            out.append((sp.thermo,))
            continue
        own = sp.thermo
        # the species' own data, then each phase that starts where the previous one stops
        chain = [own]
        for t in sorted(by_composition[tuple(sorted(sp.composition.items()))], key=lambda t: t.min_temp):
            if abs(t.min_temp - chain[-1].max_temp) < 1e-6:
                chain.append(t)
        out.append(tuple(chain))
    return out


def _species_files(directory: Path, index: dict) -> list[str]:
    """Project species files: those the index names, then any other ``species_*.yaml``."""
    named = list(index["species_files"])
    extra = sorted(p.name for p in directory.glob("species_*.yaml")
                   if p.name not in named and p.name != "species_index.yaml")
    return named + extra


def _phase_of(name: str) -> str:
    return "liquid" if name.endswith("(L)") else "solid"


def _read_roles(raw: dict) -> dict[str, tuple[str, str | None]]:
    roles: dict[str, tuple[str, str | None]] = {}
    for role, members in raw.items():
        if isinstance(members, dict):
            for family, names in members.items():
                for n in names:
                    roles[n] = (role, family)
        else:
            for n in members:
                roles[n] = (role, None)
    return roles


def _build_aliases(names: list[str], explicit: dict[str, str]) -> dict[str, str]:
    """Aliases: explicit ones, plus each name without its phase suffix when unambiguous."""
    stems: dict[str, list[str]] = {}
    for n in names:
        stem = re.sub(r"\([^()]*\)$", "", n) or n      # "Ni(OH)2(s)" -> "Ni(OH)2", "Li(cr)" -> "Li"
        stems.setdefault(stem, []).append(n)
    aliases = {stem: found[0] for stem, found in stems.items()
               if len(found) == 1 and stem not in names}
    # Li has Li(cr) and Li(L): the solid is what a user means by "Li".
    if "Li" in stems and "Li(cr)" in names:
        aliases["Li"] = "Li(cr)"
    for alias, target in explicit.items():
        if target not in names:
            raise InputError(f"chemistry/species_index.yaml: aliases.{alias}",
                             f"unknown species {target!r}")
        aliases[alias] = target
    return aliases


_NASA_NAME = re.compile(r"\b([A-Z][A-Za-z0-9]*\d[A-Za-z0-9]*),[a-z]+\b")


def plain_names(text: str) -> str:
    """``text`` with NASA species names cut by a comma written as their formula
    (``C10H8,naphthale`` -> ``C10H8``), for messages people read; data keys keep the names."""
    return _NASA_NAME.sub(r"\1", text)
