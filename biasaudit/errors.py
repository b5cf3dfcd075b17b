"""Exceptions biasaudit raises for bad input or bad usage.

They carry where the problem is (file, line, field) so surfaces can print one actionable line, no traceback.
"""
from __future__ import annotations


class BiasauditError(Exception):
    """Base class: an error the user can fix (bad input, bad option). Surfaces show ``str(err)`` only."""


class UsageError(BiasauditError):
    """An option or argument is invalid (unknown analyzer, bad --fail-on expression, ...)."""


class InputError(BiasauditError):
    """An input file or record cannot be used.

    ``file``, ``line`` (1-based) and ``field`` say where; the message says what was expected.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.line, self.field, self.reason = file, line, field, message
        where = ":".join(str(p) for p in (file, line) if p is not None)
        if field:
            where = f"{where} field {field!r}" if where else f"field {field!r}"
        super().__init__(f"{where}: {message}" if where else message)
