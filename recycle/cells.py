"""Cell catalogue: bills of materials of spent cells derived from their layer design.

The design rules are in ``chemistry/cells.yaml`` (its description). A bill of materials is
a mapping species -> kg per kg of cell at a given state of charge (0-1).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .chemistry import ChemistryDB
from .constants import FARADAY
from .errors import InputError, closest
from .units import to_si
from .yamlio import load_yaml_file


@dataclass(frozen=True)
class Material:
    name: str
    species: dict[str, float]        # mass fraction of each species
    density: float                   # kg/m^3
    capacity: float | None           # C/kg (practical), actives only
    lithiated: str | None = None
    delithiated: str | None = None
    source: str = ""


@dataclass
class CellDesign:
    """One catalogue cell: its layer design and the bill of materials derived from it."""

    id: str
    name: str
    family: str
    voltage: float                          # V
    built_soc: float
    layers: dict[str, float]                # material -> kg per m^2 of repeat unit
    cathode_capacity: float                 # C per m^2 of repeat unit (both sides)
    packaging_fraction: float
    active: Material
    alloy: tuple[str, str] | None           # (alloying metal species, alloy species)
    materials: dict[str, Material]
    reference_fractions: dict[str, float] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    packaging: str = "pouch"                # material of the packaging fraction

    @property
    def repeat_unit_mass(self) -> float:
        """kg per m^2 of repeat unit, packaging included."""
        return sum(self.layers.values()) / (1.0 - self.packaging_fraction)

    @property
    def capacity(self) -> float:
        """Cell capacity, C per kg of cell."""
        return self.cathode_capacity / self.repeat_unit_mass

    @property
    def specific_energy(self) -> float:
        """Nominal specific energy, J per kg of cell."""
        return self.capacity * self.voltage

    def material_fractions(self) -> dict[str, float]:
        """Mass fraction of each material in the as-built cell (sums to 1)."""
        total = self.repeat_unit_mass
        out = {m: kg / total for m, kg in self.layers.items()}
        out[self.packaging] = self.packaging_fraction
        return out

    def bill_of_materials(self, soc: float, db: ChemistryDB) -> dict[str, float]:
        """Species -> kg per kg of cell at state of charge ``soc`` (0-1)."""
        kg: dict[str, float] = {}
        for mat, frac in self.material_fractions().items():
            for sp, w in self.materials[mat].species.items():
                kg[sp] = kg.get(sp, 0.0) + frac * w
        mol = {sp: m / db.molar_mass[db.index[sp]] for sp, m in kg.items()}
        moved = (soc - self.built_soc) * self.capacity / FARADAY   # mol Li per kg cell
        lith, delith = self.active.lithiated, self.active.delithiated
        # Charging (moved > 0) takes Li out of the cathode into the anode; discharging reverses.
        mol[lith] = mol.get(lith, 0.0) - moved
        mol[delith] = mol.get(delith, 0.0) + moved
        mol["Li(cr)"] = mol.get("Li(cr)", 0.0) + moved
        if self.alloy:
            metal, alloy = self.alloy
            n = min(mol.get("Li(cr)", 0.0), mol.get(metal, 0.0))
            mol["Li(cr)"] -= n
            mol[metal] -= n
            mol[alloy] = mol.get(alloy, 0.0) + n
        for sp, n in mol.items():
            if n < -1e-12:
                raise InputError(f"cell {self.id}", f"state of charge {soc} needs more {sp} than the design holds")
        return {sp: max(n, 0.0) * db.molar_mass[db.index[sp]] for sp, n in mol.items() if n > 1e-15}


def load_catalogue(db: ChemistryDB, path=None) -> dict[str, CellDesign]:
    """Read ``chemistry/cells.yaml`` and derive every design."""
    path = path or db.directory / "cells.yaml"
    label = "chemistry/cells.yaml"
    data = load_yaml_file(path, label)
    materials = {}
    for name, m in data["materials"].items():
        where = f"{label}: materials.{name}"
        species = {db.resolve(s, where + ".species"): float(w) for s, w in m["species"].items()}
        if abs(sum(species.values()) - 1.0) > 1e-9:
            raise InputError(where + ".species", "mass fractions must sum to 1")
        cap = m.get("capacity")
        materials[name] = Material(
            name, species, to_si(m["density"], "density", where + ".density"),
            to_si(cap, "specific_charge", where + ".capacity") if cap else None,
            m.get("lithiated"), m.get("delithiated"), m.get("source", ""))
    return {cid: _design(cid, c, materials, f"{label}: cells.{cid}")
            for cid, c in data["cells"].items()}


def _material(materials, name, where) -> Material:
    if name not in materials:
        raise InputError(where, f"unknown material {name!r}; {closest(name, materials)}")
    return materials[name]


def _design(cid: str, c: dict, materials: dict[str, Material], where: str) -> CellDesign:
    if "fractions" in c:
        return _given_design(cid, c, materials, where)
    q_area = to_si(c["areal_capacity"], "charge_per_area", where + ".areal_capacity")  # C/m^2
    cath = c["cathode"]
    active = _material(materials, cath["active"], where + ".cathode.active")
    comp = cath["composition"]
    if abs(sum(comp.values()) - 1.0) > 1e-6:
        raise InputError(where + ".cathode.composition", "weight fractions must sum to 1")
    layers: dict[str, float] = {}

    def add(mat: str, kg_m2: float):
        layers[mat] = layers.get(mat, 0.0) + kg_m2

    # Double-sided cathode: active mass per side from the areal capacity.
    composite_per_side = q_area / active.capacity / comp[cath["active"]]
    for mat, w in comp.items():
        _material(materials, mat, where + ".cathode.composition")
        add(mat, 2 * composite_per_side * w)
    for i, sep in enumerate(c.get("separator", [])):
        mat = _material(materials, sep["material"], f"{where}.separator[{i}]")
        t = to_si(sep["thickness"], "length", f"{where}.separator[{i}].thickness")
        add(mat.name, 2 * t * mat.density)
    li = materials["Li"]
    anode = c["anode"]
    if "thickness" in anode:
        li_per_side = to_si(anode["thickness"], "length", where + ".anode.thickness") * li.density
    else:
        li_per_side = float(anode["capacity_ratio"]) * q_area / li.capacity
    add("Li", 2 * li_per_side)
    alloy = None
    if "alloy" in anode:
        a = anode["alloy"]
        metal = _material(materials, a["material"], where + ".anode.alloy.material")
        add(metal.name, 2 * to_si(a["thickness"], "length", where + ".anode.alloy.thickness") * metal.density)
        alloy = (next(iter(metal.species)), a["species"])
    for key in ("cathode_collector", "anode_collector"):
        if key in c:
            mat = _material(materials, c[key]["material"], f"{where}.{key}")
            add(mat.name, to_si(c[key]["thickness"], "length", f"{where}.{key}.thickness") * mat.density)
    composite_density = 1.0 / sum(w / materials[m].density for m, w in comp.items())
    porosity = float(cath["porosity"])
    thickness = composite_per_side / (composite_density * (1 - porosity))
    assumptions = [
        f"cathode {thickness * 1e6:.0f} um per side at {porosity:.0%} porosity, "
        f"composite density {composite_density / 1000:.2f} g/cm3",
        "separators dense (porosity 0)",
        f"packaging {c['packaging_fraction']:.1%} of cell mass (pouch laminate + tabs)",
    ]
    return CellDesign(
        id=cid, name=c["name"], family=c["family"],
        voltage=to_si(c["voltage"], "voltage", where + ".voltage"),
        built_soc=float(c.get("built_soc", 0)), layers=layers,
        cathode_capacity=2 * q_area, packaging_fraction=float(c["packaging_fraction"]),
        active=active, alloy=alloy, materials=materials,
        reference_fractions=dict(c.get("reference_fractions", {})), assumptions=assumptions)


def _given_design(cid: str, c: dict, materials: dict[str, Material], where: str) -> CellDesign:
    """A cell whose material mass fractions are given (a published design or teardown) instead of
    derived from layers: ``fractions`` (material -> mass fraction, packaging excluded), ``active``
    (the cathode active material, whose practical capacity sets the cell's capacity),
    ``packaging_fraction`` and optionally ``packaging`` (its material, default ``pouch``).
    The fractions with the packaging must sum to 1 within 1e-4; they are scaled to sum exactly.
    Charged Li sits in the anode as Li(cr): for a graphite anode that stands for LiC6 (its
    enthalpy of formation, about -14 kJ per mol Li, is neglected: S)."""
    active = _material(materials, c["active"], where + ".active")
    if active.capacity is None:
        raise InputError(where + ".active", f"{active.name} has no capacity: not a cathode active material")
    fractions = {}
    for mat, w in c["fractions"].items():
        _material(materials, mat, where + ".fractions")
        fractions[mat] = float(w)
    packaging = str(c.get("packaging", "pouch"))
    _material(materials, packaging, where + ".packaging")
    pack = float(c["packaging_fraction"])
    total = sum(fractions.values())
    if abs(total + pack - 1.0) > 1e-4:
        raise InputError(where + ".fractions", f"fractions ({total:.6f}) and packaging_fraction ({pack}) must sum to 1")
    layers = {m: w * (1.0 - pack) / total for m, w in fractions.items()}   # kg per kg of cell
    if c["active"] not in layers:
        raise InputError(where + ".fractions", f"the active material {c['active']} has no fraction")
    return CellDesign(
        id=cid, name=c["name"], family=c["family"],
        voltage=to_si(c["voltage"], "voltage", where + ".voltage"),
        built_soc=float(c.get("built_soc", 0)), layers=layers,
        cathode_capacity=layers[c["active"]] * active.capacity, packaging_fraction=pack,
        active=active, alloy=None, materials=materials,
        reference_fractions=dict(c.get("reference_fractions", {})),
        assumptions=[f"material fractions as given ({c.get('source', 'no source named')})",
                     "charged Li in the anode counted as Li metal"],
        packaging=packaging)
