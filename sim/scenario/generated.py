"""The doctrine and model-parameter sections, generated from the registry.

Every doctrine parameter (one value per actor) and every model-wide parameter is
declared once, in :mod:`sim.registry`; :class:`Doctrine` and :class:`ModelParams`
are pydantic models built from those declarations at import, each field with the
registry's default, range and documentation.  Because the models are built at run
time, ``generated.pyi`` beside this file describes them to type checkers; it is
itself generated from the registry (``python tests/make_type_stub.py``), and a test
checks that it matches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, create_model

from .. import registry
from .base import Frozen, limits

STUB = Path(__file__).with_suffix(".pyi")
"""The type stub ``generated.pyi`` beside this file."""


def registry_model(name: str, entries: tuple[registry.Param, ...], doc: str) -> type[Frozen]:
    """A frozen pydantic model with one number field per registered parameter.

    Each field is a float with the parameter's default and range (:func:`~.base.limits`)
    and a description giving its documentation, unit, range, tier and source (shown by
    ``geosim params``).  This is how :class:`Doctrine` and :class:`ModelParams` are built.

    Parameters
    ----------
    name : str
        The name of the model class, e.g. ``"Doctrine"``.
    entries : tuple of registry.Param
        The registered parameters, one field each, in order.
    doc : str
        The docstring of the model class.

    Returns
    -------
    type[Frozen]
        The new model class; unknown keys are errors and its objects are frozen.
    """
    fields: dict[str, Any] = {}
    for p in entries:
        fields[p.name] = (
            float,
            Field(
                default=p.default,
                **limits(p),
                description=f"{p.doc} Unit: {p.unit}. Range {p.low}..{p.high}. "
                f"Tier: {p.tier}. Source: {p.source}.",
            ),
        )
    model = create_model(name, __base__=Frozen, __doc__=doc, **fields)
    return model


Doctrine = registry_model(
    "Doctrine", registry.DOCTRINE, "An actor's tunable rule parameters (see sim.registry.DOCTRINE)."
)
"""An actor's doctrine section, ``actors.<A>.doctrine``: one field per doctrine parameter."""
ModelParams = registry_model(
    "ModelParams", registry.MODEL, "Model-wide parameters (see sim.registry.MODEL)."
)
"""The ``model`` section of a scenario: one field per model-wide parameter."""


def stub_text() -> str:
    """The text of ``generated.pyi``: one typed attribute per registered parameter."""
    lines = [
        '"""Type stub of sim.scenario.generated, written by tests/make_type_stub.py."""',
        "",
        "from pathlib import Path",
        "",
        "from .base import Frozen",
        "",
        "STUB: Path",
        "",
        "def stub_text() -> str: ...",
        "def registry_model(name: str, entries: tuple[object, ...], doc: str) -> type[Frozen]: ...",
    ]
    for name, entries in (("Doctrine", registry.DOCTRINE), ("ModelParams", registry.MODEL)):
        lines += ["", f"class {name}(Frozen):"]
        lines += [f"    {p.name}: float" for p in entries]
        lines += ["    def __init__(self, **values: float) -> None: ..."]
    return "\n".join(lines) + "\n"
