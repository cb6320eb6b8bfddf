"""Locate the data shipped with recycle (``chemistry/`` and ``flowsheets/``).

The folders are installed as the packages ``recycle.chemistry_data`` and ``recycle.flowsheets``
and found through :mod:`importlib.resources`, never through the current directory.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def chemistry_dir() -> Path:
    """The folder of shipped chemistry data (species, reactions, cells, hazards)."""
    return Path(str(resources.files("recycle.chemistry_data")))


def flowsheets_dir() -> Path:
    """The folder of shipped route files (``<route id>.yaml``)."""
    return Path(str(resources.files("recycle.flowsheets")))
