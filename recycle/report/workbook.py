"""Tidy DataFrames of a plan, and the Excel workbook made of them.

:func:`plan_frames` turns a :class:`~recycle.simulate.RouteResult` into long-format frames
(one number per row, its unit in a ``unit`` column, the case in a ``case`` column) that
pandas, a spreadsheet or a notebook can filter and pivot without parsing column names.
:func:`workbook_bytes` writes them, with any other frames, into an ``.xlsx`` workbook
(openpyxl, through pandas: the maintained writer pandas itself uses).

Units: masses in kg (kg/s on a throughput basis), energies in J (W), temperatures in K, as
inside a RouteResult; the ``unit`` column says which.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..cases import CASES
from ..simulate import RouteResult


def plan_frames(result: RouteResult) -> dict[str, pd.DataFrame]:
    """Sheets of a plan: about (route, basis), summary, steps, streams, gases, reagents and
    products; every numeric sheet in long format with a unit column."""
    db = result.db
    mass, energy = ("kg/s", "W") if result.rate_basis else ("kg", "J")

    summary = [("max relative element residual", "", float(result.max_relative_element_residual()), "")]
    for c in CASES:
        summary.append(("feed", c.label, float(result.feed[c] @ db.molar_mass), mass))
        for key, values in result.energy_balance().items():
            summary.append((key.replace("_", " "), c.label, float(values[c]), energy))

    steps = []
    for s in result.steps.values():
        for c in CASES:
            steps += [(s.id, s.type, c.label, "temperature", float(s.temperature), "K"),
                      (s.id, s.type, c.label, "outlet temperature", s.outlet_temperature, "K"),
                      (s.id, s.type, c.label, "heat released", float(s.heat_released[c]), energy),
                      (s.id, s.type, c.label, "enthalpy duty", float(s.enthalpy_duty[c]), energy),
                      (s.id, s.type, c.label, "relative element residual", float(s.relative_residual[c]), "")]
            for name, (values, unit, _) in s.outcome.quantities.items():
                arr = np.broadcast_to(np.asarray(values, dtype=float), (len(CASES),))
                steps.append((s.id, s.type, c.label, name, float(arr[c]), unit))

    streams = []
    for name, (edge, amounts, T) in result.streams.items():
        for c in CASES:
            kg = amounts[c] * db.molar_mass
            for i in np.flatnonzero(kg > 0):
                streams.append((name, f"{edge.source}.{edge.outlet}".rstrip("."), f"{edge.target}.{edge.inlet}".rstrip("."),
                                c.label, float(T[c]), db.names[i], db.species[i].phase, float(kg[i]), mass))

    totals = {"gas formed": result.gas_formed, "combustion products": result.combustion_products,
              "gas emitted": result.sink_total("stack")}
    gases = [(which, c.label, db.names[i], float(a[c, i] * db.molar_mass[i]), mass)
             for which, a in totals.items() for c in CASES
             for i in np.flatnonzero(db.is_gas & (a[c] > 0))]

    def species_rows(amounts):
        return [(c.label, db.names[i], float(amounts[c, i] * db.molar_mass[i]), mass)
                for c in CASES for i in np.flatnonzero(amounts[c] > 0)]

    about = pd.DataFrame([("route", result.route.id), ("basis", result.basis.text),
                          ("cases", ", ".join(c.label for c in CASES))], columns=["item", "value"])
    return {
        "about": about,
        "summary": pd.DataFrame(summary, columns=["quantity", "case", "value", "unit"]),
        "steps": pd.DataFrame(steps, columns=["step", "type", "case", "quantity", "value", "unit"]),
        "streams": pd.DataFrame(streams, columns=["stream", "from", "to", "case", "temperature [K]", "species",
                                                  "phase", "value", "unit"]),
        "gases": pd.DataFrame(gases, columns=["which", "case", "species", "value", "unit"]),
        "reagents": pd.DataFrame(species_rows(result.reagents), columns=["case", "species", "value", "unit"]),
        "products": pd.DataFrame(species_rows(result.sink_total("product")),
                                 columns=["case", "species", "value", "unit"]),
    }


def workbook_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame (sheet names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def write_workbook(path, frames: dict[str, pd.DataFrame]) -> None:
    """Write :func:`workbook_bytes` to ``path`` (via a temporary file, so no half-written file)."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    data = workbook_bytes(frames)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


__all__ = ["plan_frames", "workbook_bytes", "write_workbook"]
