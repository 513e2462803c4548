"""The base of every scenario model, and the constraints of a registered number.

Every section of a scenario file (``docs/scenarios.md``, Fields) is a :class:`Frozen`
pydantic model; a number whose range is declared in :mod:`sim.registry` takes its
constraints from :func:`limits`, so that the range is written in one place only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from .. import registry


class Frozen(BaseModel):
    """Base of every scenario section: unknown keys are errors, objects are frozen.

    A field with an alias (``from``, which is a Python keyword) may also be given by
    its Python name (``populate_by_name``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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
