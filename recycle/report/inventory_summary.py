"""Summary of an inventory by species and by element (``recycle inventory check``)."""
from __future__ import annotations

import pandas as pd

from ..chemistry import ChemistryDB
from ..inventory import Inventory
from .jsondoc import quantity_json


def summarise(inv: Inventory, db: ChemistryDB):
    """(species table, element table, JSON document); masses in kg."""
    species = inv.species_mass()
    total = inv.total_mass
    sp_rows = [{"species": k, "mass [kg]": v, "mass fraction": v / total}
               for k, v in sorted(species.items(), key=lambda kv: -kv[1])]
    moles = inv.amounts(db)
    el_kg = db.element_totals(moles) * db.element_molar_mass
    el_rows = [{"element": e, "mass [kg]": float(m), "mass fraction": float(m) / total}
               for e, m in sorted(zip(db.elements, el_kg), key=lambda kv: -kv[1]) if m > 0]
    doc = {
        "source": inv.source,
        "rows": [{"name": r.label, "chemistry": r.chemistry, "mass": quantity_json(r.mass, "kg"),
                  "soc": r.soc} for r in inv.rows],
        "mass": quantity_json(total, "kg"),
        "species": {k: quantity_json(v, "kg") for k, v in species.items()},
        "elements": {r["element"]: quantity_json(r["mass [kg]"], "kg") for r in el_rows},
    }
    return pd.DataFrame(sp_rows), pd.DataFrame(el_rows), doc
