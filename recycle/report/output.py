"""Atomic writing of output folders: a failed run leaves no half-written result."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InputError

MARKER = ".recycle-output"    # written into every folder recycle writes; --force replaces only those
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv(table) -> str:
    """CSV text of a DataFrame with text cells that a spreadsheet would run as a formula
    (starting with = + - @, tab or CR) escaped by a leading apostrophe (OWASP CSV injection)."""
    def escape(v):
        return "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v

    clean = table.copy()
    import pandas as pd

    for col in clean.columns:
        if not pd.api.types.is_numeric_dtype(clean[col]):
            clean[col] = clean[col].map(escape)
    clean.columns = [escape(str(c)) for c in clean.columns]
    return clean.to_csv(index=False)


def write_folder(out: Path | str, files: dict[str, str | bytes], force: bool = False) -> Path:
    """Write ``files`` (name -> content) into folder ``out`` all at once.

    The files are written to a temporary folder beside ``out`` and moved into place only when
    all are written. An existing ``out`` is replaced only with ``force``, and only when recycle
    wrote it. A lock file beside ``out`` makes a second writer refuse while the first works; a
    SIGTERM removes the temporary folder, and temporary folders of runs that died are removed.
    """
    import signal

    out = Path(out)
    lock = None
    previous = None
    try:
        lock = _lock(out)
        try:                                       # SIGTERM: clean up like any other failure
            previous = signal.signal(signal.SIGTERM, _terminate)
        except ValueError:                         # not the main thread: no handler
            previous = None
        return _write_folder(out, files, force)
    except OSError as exc:
        raise InputError(f"--out {out}", f"cannot write there: {exc.strerror or exc}") from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if lock is not None:
            lock.unlink(missing_ok=True)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock(out: Path) -> Path:
    """Take the lock of ``out`` (a file beside it holding the writer's pid); a lock whose writer
    has died is taken over. Also removes temporary folders left by dead runs."""
    parent = out.resolve().parent
    if not parent.exists():
        raise InputError(f"--out {out}", f"parent folder {parent} does not exist")
    for stale in parent.glob(f".{out.name}.*.tmp*"):
        try:
            pid = int(stale.name.rsplit(".", 2)[-2])
        except (ValueError, IndexError):
            continue
        if stale.is_dir() and not _alive(pid):
            shutil.rmtree(stale, ignore_errors=True)
    lock = parent / f".{out.name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise InputError(f"--out {out}", f"another recycle run (pid {pid}) is writing this folder; "
                                 "wait for it or name another folder") from None
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        return lock
    raise InputError(f"--out {out}", "cannot take the output lock")


def _write_folder(out: Path, files: dict[str, str | bytes], force: bool) -> Path:
    cwd = Path.cwd().resolve()
    if out.resolve() == cwd or out.resolve() in cwd.parents:
        raise InputError(f"--out {out}", "is the current folder or one of its parents; name a new folder")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}", "exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise InputError(f"--out {out}", "folder exists and is not empty; use --force to replace it")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"--out {out}", "folder was not written by recycle: --force replaces only recycle's own "
                         "output folders; name a new folder")
    parent = out.resolve().parent
    if not parent.exists():
        raise InputError(f"--out {out}", f"parent folder {parent} does not exist")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.tmp", dir=parent))
    try:
        (tmp / MARKER).write_text("written by recycle; --force may replace this folder\n", encoding="utf-8")
        for name, content in files.items():
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(tmp / name, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
                f.write(content)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
