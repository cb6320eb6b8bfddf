"""Errors that a user can act on.

Every problem with input (a file, a row, a key, a unit, a value) is raised as
:class:`InputError` carrying *where* (file and key path or row) and *what* is wrong. The
CLI turns it into one line on stderr and exit code 2.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class InputError(ValueError):
    """Bad user input: ``where`` names the file and key/row, ``message`` says what is wrong."""

    def __init__(self, where: str, message: str):
        self.where = " ".join(str(where).split())          # one line, whatever the parser said
        self.message = " ".join(str(message).split())
        where, message = self.where, self.message
        super().__init__(f"{where}: {message}" if where else message)

    def within(self, prefix: str) -> "InputError":
        """The same error with ``prefix`` (e.g. a file name) put in front of its location."""
        where = f"{prefix}: {self.where}" if self.where else prefix
        return InputError(where, self.message)


def closest(name: str, valid: Iterable[str], n: int = 3) -> str:
    """A hint naming the closest valid names to ``name``, or all of them when few."""
    valid = sorted(str(v) for v in valid)
    name = str(name)
    same_letters = [v for v in valid if v.lower() == name.lower()]
    if same_letters:
        return f"did you mean {same_letters[0]!r}? (names are case-sensitive)"
    near = difflib.get_close_matches(name, valid, n=n, cutoff=0.5)
    if near:
        return "did you mean " + " or ".join(repr(v) for v in near) + "?"
    if len(valid) <= 12:
        return "expected one of " + ", ".join(valid)
    return f"expected one of {len(valid)} names, e.g. " + ", ".join(valid[:8])
