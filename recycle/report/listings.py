"""The listings of ``recycle routes``, ``steps`` and ``chemistries``: JSON rows and terminal lines."""
from __future__ import annotations

from .jsondoc import quantity_json


def routes_listing() -> tuple[list[dict], list[str]]:
    """Every shipped route: its steps in order and the first sentence of its description."""
    from ..flowsheet import available_routes, load_route

    rows = []
    for rid in available_routes():
        r = load_route(rid)
        rows.append({"route": rid, "steps": " -> ".join(r.order()),
                     "description": r.description.split(". ")[0].replace("\n", " ") + "."})
    return rows, [f"{r['route']:24s} {r['steps']}: {r['description']}" for r in rows]


def fits_listing(found) -> tuple[list[dict], list[str]]:
    """Whether each route applies to a cell (recycle.applicability.fits), with the reasons."""
    rows = [{"route": f.route, "status": f.status, "reasons": "; ".join(f.reasons)} for f in found]
    lines = []
    for f in found:
        lines += [f"{f.route:24s} {f.status}"] + [f"    {reason}" for reason in f.reasons]
    return rows, lines


def step_types_listing(step_types: dict) -> tuple[list[dict], list[str]]:
    rows = [{"type": name, "inlets": ", ".join(cls.inlets), "outlets": ", ".join(cls.outlets),
             "summary": cls.summary} for name, cls in step_types.items()]
    return rows, [f"{r['type']:20s} {r['summary']}" for r in rows]


def step_type_listing(name: str, cls) -> tuple[list[dict], list[str]]:
    """The parameters of one step type with their defaults, units or choices, and sources."""
    rows = [{"parameter": p.name, "kind": p.kind, "default": str(p.default),
             "unit_or_choices": p.dimension or "|".join(p.choices), "meaning": p.doc, "source": p.source}
            for p in cls.params]
    lines = [f"{name}: {cls.summary}", f"inlets: {', '.join(cls.inlets)}; outlets: {', '.join(cls.outlets)}", ""]
    lines += [f"  {p.describe()}" + (f" [{p.source}]" if p.source else "") for p in cls.params]
    return rows, lines


def cells_listing(planner) -> tuple[list[dict], list[str], list[dict]]:
    """The catalogue cells: JSON rows (with each bill of materials), lines, and flat CSV rows."""
    rows, lines = [], []
    for cid, cell in planner.catalogue.items():
        rows.append({"id": cid, "name": cell.name, "family": cell.family,
                     "specific_energy": quantity_json(cell.specific_energy / 3600, "Wh/kg"),
                     "voltage": quantity_json(cell.voltage, "V"),
                     "bill_of_materials_soc0": {sp: quantity_json(kg, "kg/kg")
                                                for sp, kg in cell.bill_of_materials(0.0, planner.db).items()},
                     "assumptions": cell.assumptions})
        lines.append(f"{cid:18s} {cell.name:28s} {cell.family:8s} {cell.specific_energy / 3600:5.0f} Wh/kg")
    flat = [{"id": r["id"], "name": r["name"], "family": r["family"],
             "specific energy [Wh/kg]": r["specific_energy"]["value"], "voltage [V]": r["voltage"]["value"]} for r in rows]
    return rows, lines, flat


__all__ = ["cells_listing", "fits_listing", "routes_listing", "step_type_listing", "step_types_listing"]
