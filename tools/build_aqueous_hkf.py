"""Build chemistry/aqueous_hkf.yaml: the temperature dependence of the dissolved states of
chemistry/aqueous.yaml from the revised Helgeson-Kirkham-Flowers equations of state.

For every solute, the standard partial molal heat capacity of its ions (``ions`` in
aqueous.yaml, OBIGT names; water with a negative count where a hydrolysed salt is written as
its ions, Na2S = 2 Na+ + HS- + OH- - H2O) is computed with pychnosz (the Python port of CHNOSZ,
Dick 2019, with its OBIGT database) at 1 bar below 100 C and at the saturation pressure above,
0-250 C, and fitted as a NASA 7-coefficient heat capacity (Cp/R a quartic in T) in two ranges
(273.15-373.15 K and 373.15-523.15 K). The reference enthalpy and entropy at 298.15 K stay the
NBS values of aqueous.yaml; recycle adds them when it loads the file.

Run from the repository root after editing aqueous.yaml (needs ``pip install pychnosz``):

    python tools/build_aqueous_hkf.py

tests/test_aqueous_hkf.py rebuilds the fit and checks the file is what this script writes.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import yaml

R = 8.314462618          # J/(mol K)
T_MIN, T_MID, T_MAX = 273.15, 373.15, 523.15
ROOT = Path(__file__).resolve().parents[1]

DESCRIPTION = """\
Temperature dependence of the dissolved (infinite-dilution) states of chemistry/aqueous.yaml,
written by tools/build_aqueous_hkf.py; do not edit by hand. Standard partial molal heat
capacities of the ions from the revised HKF equations of state (Helgeson, Kirkham and Flowers
1981, Am. J. Sci. 281, 1249; Tanger and Helgeson 1988, Am. J. Sci. 288, 19; g-function of Shock
et al. 1992, J. Chem. Soc. Faraday Trans. 88, 803) with the OBIGT parameters of each ion (ref1
below: SH88 Shock and Helgeson 1988, GCA 52, 2009; SSWS97 Shock, Sassani, Willis and Sverjensky
1997, GCA 61, 907; SHS89 Shock, Helgeson and Sverjensky 1989, GCA 53, 2157; TS01 Tagirov and
Schott 2001, GCA 65, 3965; JOH92 water, Johnson, Oelkers and Helgeson 1992, Comput. Geosci. 18,
899; Den81 the H+ convention), computed with pychnosz {version} (Python
port of CHNOSZ, Dick 2019, Front. Earth Sci. 7:180) at 1 bar to 100 C and at the saturation
pressure above. The enthalpy along that path is fitted in NASA 7-coefficient form (Cp/R a
quartic in T, a0..a4) in two ranges; recycle anchors enthalpy and entropy at 298.15 K to the
NBS values of aqueous.yaml. max_h_error is the largest gap in H(T) - H(298.15 K) between the
anchored fit and HKF (J/mol), over 0-250 C; max_cp_error the largest gap between the fit's
Cp and HKF's isobaric Cp (J/mol/K; it includes the pressure rise along saturation). Quality D: computed by a
published equation of state from its published parameters."""


def hkf_properties(ions: dict[str, float], t_celsius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums over the ions of the standard partial molal enthalpy (J/mol, apparent, relative to
    the elements at 298.15 K; for an ion whose OBIGT entry has no enthalpy, Al+3, its heat
    capacity integrated along the path, which is relative to an arbitrary constant) and heat
    capacity (J/mol/K) at ``t_celsius`` (1 K steps), 1 bar to 100 C and saturation above."""
    import pychnosz

    h, cp = np.zeros_like(t_celsius), np.zeros_like(t_celsius)
    for name, count in ions.items():
        out = pychnosz.subcrt(name, T=list(t_celsius), P="Psat", property=["H", "Cp"], messages=False).out
        ion_cp = out["Cp"].to_numpy(dtype=float)
        ion_h = out["H"].to_numpy(dtype=float)
        if np.isnan(ion_h).any():
            ion_h = np.concatenate([[0.0], np.cumsum(0.5 * (ion_cp[1:] + ion_cp[:-1]) * np.diff(t_celsius))])
        if np.isnan(ion_h).any() or np.isnan(ion_cp).any():
            raise SystemExit(f"pychnosz gives no heat capacity for {name} over 0-250 C")
        h = h + float(count) * ion_h
        cp = cp + float(count) * ion_cp
    return h, cp


def references(ions: dict[str, float]) -> dict[str, str]:
    """OBIGT's first reference for each ion."""
    import pychnosz

    out = {}
    for name in ions:
        state = "liq" if name == "H2O" else None
        index = pychnosz.info(name, state, messages=False) if state else pychnosz.info(name, messages=False)
        out[name] = str(pychnosz.info(index, messages=False)["ref1"].iloc[0])
    return out


def fit(ions: dict[str, float]) -> dict:
    """Two-range NASA-7 fit of the enthalpy of ``ions`` along 1 bar / saturation pressure, with
    its errors once anchored as recycle anchors it (0 at 298.15 K, continuous at t_mid)."""
    t = np.arange(0.0, 250.0 + 0.5, 1.0)
    kelvin = t + 273.15
    h, cp = hkf_properties(ions, t)
    i298 = int(np.argmin(abs(kelvin - 298.15)))
    dh = h - h[i298]

    def basis(T):            # h/R = T (a0 + a1 T/2 + a2 T^2/3 + a3 T^3/4 + a4 T^4/5) + a5
        return np.column_stack([T, T**2 / 2, T**3 / 3, T**4 / 4, T**5 / 5, np.ones_like(T)])

    def cp_over_r(a, T):
        return a[0] + a[1] * T + a[2] * T**2 + a[3] * T**3 + a[4] * T**4

    low_rows, high_rows = kelvin <= T_MID + 1e-9, kelvin >= T_MID - 1e-9
    def least_squares(rows):  # columns scaled to unit norm: T^5 and 1 differ by 1e13
        a = basis(kelvin[rows])
        norm = np.linalg.norm(a, axis=0)
        return (np.linalg.lstsq(a / norm, dh[rows] / R, rcond=None)[0] / norm)[:5]

    low, high = least_squares(low_rows), least_squares(high_rows)
    # the enthalpy as recycle builds it: low anchored at 298.15 K, high continued at t_mid
    h_low = R * (basis(kelvin)[:, :5] @ low - basis(np.array([298.15]))[0, :5] @ low)
    h_mid = R * (basis(np.array([T_MID]))[0, :5] @ (low - high) - basis(np.array([298.15]))[0, :5] @ low)
    model = np.where(low_rows, h_low, R * (basis(kelvin)[:, :5] @ high) + h_mid)
    fitted_cp = R * np.where(low_rows, cp_over_r(low, kelvin), cp_over_r(high, kelvin))
    return {"cp_low": [float(f"{c:.10e}") for c in low], "cp_high": [float(f"{c:.10e}") for c in high],
            "max_h_error": round(float(abs(model - dh).max()), 1),
            "max_cp_error": round(float(abs(fitted_cp - cp).max()), 2)}


def build() -> dict:
    """The content of chemistry/aqueous_hkf.yaml from chemistry/aqueous.yaml."""
    import pychnosz

    warnings.filterwarnings("ignore", module="pychnosz")
    pychnosz.reset(messages=False)
    solutes = yaml.safe_load((ROOT / "chemistry" / "aqueous.yaml").read_text())["solutes"]
    version = getattr(pychnosz, "__version__", "?")
    entries = {}
    for name, entry in solutes.items():
        ions = entry["ions"]
        entries[name] = {"ions": ions, "obigt_ref1": references(ions),
                         "t_range": [T_MIN, T_MID, T_MAX], **fit(ions)}
    return {"description": DESCRIPTION.format(version=version), "pychnosz": version, "solutes": entries}


def dump(content: dict) -> str:
    """YAML text of ``content``, the description as a literal block."""
    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(content, Dumper=Dumper, sort_keys=False, width=110, default_flow_style=None)


def main() -> int:
    path = ROOT / "chemistry" / "aqueous_hkf.yaml"
    path.write_text(dump(build()))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
