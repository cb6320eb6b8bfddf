"""The one-at-a-time sensitivity (recycle.uncertainty.tornado) as JSON and as a table."""
from __future__ import annotations

import pandas as pd

from ..uncertainty import Swing
from .jsondoc import number_json


def sensitivity_json(route: str, throughput: str, safety_base, rows: list[Swing]) -> dict:
    """The JSON document of ``recycle sensitivity``: base net value and safety, then each input's
    low and high value with the net value (USD/kg) and safety index (points) there."""
    def usd(v):
        return number_json(v, "USD/kg")

    def pts(v):
        return number_json(v, "points")

    return {"route": route, "throughput": throughput,
            "net_value_base": usd(rows[0].net_value_base if rows else None), "safety_base": pts(safety_base),
            "inputs": [{"input": r.input, "kind": r.kind, "low": r.low, "high": r.high,
                        "net_value_low": usd(r.net_value_low), "net_value_high": usd(r.net_value_high),
                        "safety_low": pts(r.safety_low), "safety_high": pts(r.safety_high),
                        "source": r.source} for r in rows]}


def sensitivity_table(rows: list[Swing]) -> pd.DataFrame:
    """One row per input: its low and high value, net value and safety index there."""
    return pd.DataFrame([{"input": r.input, "low": r.low, "high": r.high,
                          "net value low [USD/kg]": r.net_value_low, "net value high [USD/kg]": r.net_value_high,
                          "safety low": r.safety_low, "safety high": r.safety_high} for r in rows])


def sobol_table(g) -> pd.DataFrame:
    """One row per input (or correlated price group) of a :class:`recycle.sobol.Sobol`: first-order
    and total indices with their 95 % half-widths, largest total first."""
    return pd.DataFrame([{"input": r.input, "S1": r.S1, "S1 +/-": r.S1_conf, "ST": r.ST, "ST +/-": r.ST_conf}
                         for r in g.indices])


__all__ = ["sensitivity_json", "sensitivity_table", "sobol_table"]
