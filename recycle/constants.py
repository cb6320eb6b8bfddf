"""Physical constants and reference conditions used across recycle (SI units)."""
from __future__ import annotations

T_STANDARD = 298.15          # K, reference temperature of the thermochemical data
P_STANDARD = 101325.0        # Pa, 1 atm
R_GAS = 8.314462618          # J/(mol K), CODATA 2018 exact
FARADAY = 96485.33212        # C/mol, CODATA 2018 exact
MOLAR_VOLUME_25C = R_GAS * T_STANDARD / P_STANDARD   # m^3/mol = 0.024465 (ideal gas, D)
# Dry air, mole fractions (US Standard Atmosphere 1976; CO2 omitted).
AIR = {"N2": 0.78084, "O2": 0.209476, "Ar": 0.00934}
