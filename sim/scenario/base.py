"""The base of every scenario model, and the constraints of a registered number.

Every section of a scenario file (``docs/scenarios.md``, Fields) is a :class:`Frozen`
pydantic model; a number whose range is declared in :mod:`sim.registry` takes its
constraints from :func:`limits`, so that the range is written in one place only.
Two rules hold for every number of every section, registered or not: it is finite
(no ``.inf``, no ``.nan``), and ``true`` or ``false`` is not a number (pydantic
would otherwise read ``steps: true`` as 1).
"""

from __future__ import annotations

import types
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, model_validator

from .. import registry


def _contains_bool(value: Any) -> bool:
    """Whether a plain value is, or holds in a list or mapping, a boolean."""
    if isinstance(value, bool):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_bool(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_bool(v) for v in value.values())
    return False


def _kinds(annotation: Any) -> set[str]:
    """What an annotation may hold: ``number``, ``bool``, ``other`` (text, models, Any)."""
    if annotation is bool:
        return {"bool"}
    if annotation in (int, float):
        return {"number"}
    if annotation is Any or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return {"bool", "other"}  # Any takes a boolean; a model checks its own fields
    origin = get_origin(annotation)
    if origin is Literal:
        return {
            "bool" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else "other"
            for v in get_args(annotation)
        }
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, tuple, dict):
        args = get_args(annotation)
        if origin is dict:
            args = args[1:]
        out: set[str] = set()
        for arg in args:
            if arg is not Ellipsis:
                out |= _kinds(arg)
        return out
    return {"other"}


@cache
def _numbers_only(model: type[BaseModel]) -> frozenset[str]:
    """The keys (names and aliases) of a model's fields that hold numbers and no boolean."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        kinds = _kinds(info.annotation)
        if "number" in kinds and "bool" not in kinds:
            keys.add(name)
            if info.alias:
                keys.add(info.alias)
    return frozenset(keys)


class BoolText(str):
    """A boolean given where a number belongs, turned into text so that validation fails.

    :func:`~.validate.field_problems` recognises it and says that true/false is not a
    number, at the line of the value.
    """


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return BoolText("true" if value else "false")
    if isinstance(value, (list, tuple)):
        return [_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    return value


def numbers_not_bools(model: type[BaseModel], data: Any) -> Any:
    """The input of a model with every boolean in a number field made text (an error).

    Pydantic reads ``true`` as the number 1 (and as the literal ``1``), so that
    ``steps: true`` would run one step.  Every scenario and sweep model calls this
    before validating: a boolean in a field that holds numbers (and no boolean), or in
    a list or mapping of such a field, becomes a :class:`BoolText`, which the number
    validator rejects at its own location.

    Parameters
    ----------
    model : type[BaseModel]
        The model about to validate ``data``.
    data : Any
        Its input, as plain data.

    Returns
    -------
    Any
        ``data`` itself when it holds no such boolean; else a shallow copy with the
        booleans of number fields replaced.
    """
    if not isinstance(data, dict):
        return data
    keys = _numbers_only(model)
    bad = [k for k, v in data.items() if k in keys and _contains_bool(v)]
    if not bad:
        return data
    return {k: _as_text(v) if k in bad else v for k, v in data.items()}


class Frozen(BaseModel):
    """Base of every scenario section: unknown keys are errors, objects are frozen.

    A field with an alias (``from``, which is a Python keyword) may also be given by
    its Python name (``populate_by_name``).  Every number is finite, and a boolean is
    not a number (:func:`numbers_not_bools`).
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, data: Any) -> Any:
        return numbers_not_bools(cls, data)


def limits(p: registry.Param) -> dict[str, Any]:
    """Pydantic constraints of a registered number: its range, finite.

    Parameters
    ----------
    p : registry.Param
        The registered parameter or scenario figure.  Its ``low`` bound is excluded
        when ``p.open_low`` is set (a GDP, a population), included otherwise; its
        ``high`` bound is included.

    Returns
    -------
    dict
        Keyword arguments of :func:`pydantic.Field`: ``gt`` or ``ge`` the low bound,
        ``le`` the high bound, and ``allow_inf_nan=False`` (no infinity, no NaN).
    """
    low = {"gt": p.low} if p.open_low else {"ge": p.low}
    return {**low, "le": p.high, "allow_inf_nan": False}
