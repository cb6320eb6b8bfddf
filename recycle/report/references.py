"""The reference lists of the data files, so that a report's "[n]" citations resolve.

Each file of the chemistry folder may end its ``description`` with a "References" block of
entries "[key] authors, title, year, DOI or URL" (keys like 1, R7). A report cites them as the
file writes them ("[2]", "[R7]"); this module reads every block, splits the description from
its references, and names each reference by its file ("audit.yaml [2]") for the report's
reference list.
"""
from __future__ import annotations

import re

ENTRY = re.compile(r"^\s*\[([A-Za-z]*\d+)\]\s*(.*)$")
HEADING = re.compile(r"^\s*References:?\s*$")


def split_references(description: str) -> tuple[str, dict[str, str]]:
    """(the description without its References block, {key: reference text})."""
    lines = str(description or "").splitlines()
    start = next((i for i, line in enumerate(lines) if HEADING.match(line)), None)
    if start is None:
        return str(description or "").strip(), {}
    refs: dict[str, str] = {}
    key = None
    for line in lines[start + 1:]:
        m = ENTRY.match(line)
        if m:
            key = m.group(1)
            refs[key] = m.group(2).strip()
        elif key is not None and line.strip():
            refs[key] += " " + line.strip()
        elif not line.strip():
            key = None
    return "\n".join(lines[:start]).strip(), refs


def data_references(db) -> dict[str, dict[str, str]]:
    """{file name: {key: reference}} for every YAML file of ``db``'s chemistry folder."""
    out = {}
    for path in sorted(db.directory.glob("*.yaml")):
        description = db.data(path.name).get("description", "") if isinstance(db.data(path.name), dict) else ""
        _, refs = split_references(description)
        if refs:
            out[path.name] = refs
    return out


def cited_keys(text: str) -> list[str]:
    """The "[key]" citations in ``text``, in order, without repeats."""
    return list(dict.fromkeys(re.findall(r"\[([A-Za-z]*\d+)\]", str(text or ""))))


__all__ = ["cited_keys", "data_references", "split_references"]
