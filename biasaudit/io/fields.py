"""Field access shared by the JSON readers: dotted paths (``message.text``), text and id checks with reasons.

It must not know about files or lines; it returns a value or a reason, and the reader builds the Rejected.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

MISSING: Any = object()


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages ("expected a string, got number")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def getter(path: str) -> Callable[[dict], Any]:
    """A function returning ``obj[path]``, or following ``a.b.c`` through nested objects; MISSING if absent.

    A key that literally contains dots wins over the nested path, so ``{"a.b": ..}`` still works.
    """
    if "." not in path:
        return lambda obj: obj.get(path, MISSING)
    keys = path.split(".")

    def get(obj: dict) -> Any:
        value = obj.get(path, MISSING)
        if value is not MISSING:
            return value
        value = obj
        for key in keys:
            if not isinstance(value, dict):
                return MISSING
            value = value.get(key, MISSING)
            if value is MISSING:
                return MISSING
        return value

    return get


def text_problem(value: Any) -> str:
    """Why ``value`` (not a str) cannot be a record's text."""
    if value is MISSING:
        return "missing field"
    return f"expected a string, got {json_type(value)}"


def as_id(value: Any) -> str | None:
    """An id value as str (strings, integers and floats); None if it cannot be an id (missing, null, ...)."""
    if value.__class__ is str:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def id_problem(value: Any) -> str:
    if value is MISSING:
        return "missing id field"
    return f"expected a string or number id, got {json_type(value)}"


def label(value: Any) -> str | None:
    """A speaker or role as str (numbers allowed), None when absent."""
    return None if value is None else str(value)
