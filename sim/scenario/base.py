"""The base of every scenario model, and the constraints of a registered number."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from .. import registry


class Frozen(BaseModel):
    """Base of every scenario section: unknown keys are errors, objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def limits(p: registry.Param) -> dict[str, Any]:
    """Pydantic constraints of a registered number: its range, finite."""
    low = {"gt": p.low} if p.open_low else {"ge": p.low}
    return {**low, "le": p.high, "allow_inf_nan": False}
