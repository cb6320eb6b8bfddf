"""Where a set of outputs came from: version, time, command line, overrides, data checksums.

Written as ``provenance.json`` into every ``--out`` folder, so a report or workbook handed to a
permit authority can be traced to the code and data that made it.
"""
from __future__ import annotations

import datetime
import hashlib
import platform
import shlex
import sys
from pathlib import Path

from .resources import chemistry_dir, flowsheets_dir


def data_checksums() -> dict[str, str]:
    """SHA-256 of the shipped data folders (chemistry/ and flowsheets/), file names and contents."""
    out = {}
    for label, folder in (("chemistry", chemistry_dir()), ("flowsheets", flowsheets_dir())):
        digest = hashlib.sha256()
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".csv"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
        out[label] = digest.hexdigest()
    return out


def provenance(overrides: dict | None = None, argv: list[str] | None = None, command: str | None = None) -> dict:
    """Version of recycle and Cantera, UTC time, the command (``command``, else the command line
    ``argv``, else sys.argv), the --set overrides and the data checksums."""
    from importlib.metadata import PackageNotFoundError, version

    import cantera

    try:
        own = version("recycle")
    except PackageNotFoundError:
        own = "not installed"
    if command is None:
        args = list(sys.argv if argv is None else argv)
        if args:
            args[0] = Path(args[0]).name
        command = shlex.join(args)
    return {"recycle": own, "cantera": cantera.__version__, "python": platform.python_version(),
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": command, "overrides": overrides or {}, "data_sha256": data_checksums()}




def command_line(command_path: str, params: dict) -> str:
    """The command as parsed: its path, then each option given as name=value (a flag by its name),
    enums by their value; options left at None, False or empty are not shown."""
    parts = [command_path]
    for name, value in params.items():
        if value in (None, False, [], ()):
            continue
        value = getattr(value, "value", value)              # enums print as their value
        parts.append(f"{name}={value}" if value is not True else name)
    return " ".join(map(str, parts))


__all__ = ["command_line", "data_checksums", "provenance"]
