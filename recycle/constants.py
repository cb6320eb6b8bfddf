"""Physical constants and reference conditions used across recycle (SI units)."""
from __future__ import annotations

T_STANDARD = 298.15          # K, reference temperature of the thermochemical data
P_STANDARD = 101325.0        # Pa, 1 atm
R_GAS = 8.314462618          # J/(mol K), CODATA 2018 exact
FARADAY = 96485.33212        # C/mol, CODATA 2018 exact
MOLAR_VOLUME_25C = R_GAS * T_STANDARD / P_STANDARD   # m^3/mol = 0.024465 (DOMAIN.md section 3)
