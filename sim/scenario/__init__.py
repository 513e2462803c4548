"""Scenario files: schema, YAML loading, ``extends:``, paths, overrides, validation.

A scenario is a YAML file (``docs/scenarios.md``) that becomes a frozen, validated
:class:`Scenario`.  This package fixes the semantics once:

- **Loading** goes through :mod:`.yamlio` (safe, duplicate keys rejected, YAML 1.2
  scalars, origins kept for messages).
- **extends:** (:mod:`.merge`) names a parent file relative to the child; mappings
  merge by key, ``dyads`` by pair, ``trade`` by (from, to, category), regimes by
  target; ``events`` and ``reactions`` are appended.
- **Paths and measures** (:mod:`.paths`): one syntax for ``--set``, sweeps, events
  and reactions, and one for measures, ``name[.A[.B]][:reducer]``; two spellings of
  one value given together (``dyads.A-B.f`` and ``dyads.B-A.f``) are an error.
- **Overrides** (:mod:`.overrides`) apply to the tree before validation.
- **Validation** (:mod:`.validate`, :mod:`.cross`) runs in two passes, field errors
  then cross references, and reports every problem at once with file, line, path
  and a hint.
- **Dates** are ``YYYY-MM``; an event falls in the step containing its date; a
  date outside the run is an error naming the run's span.
- **Warnings** (:mod:`.lint`) name reactions that duplicate an endogenous rule;
  they do not stop a run.

May import: :mod:`sim.registry`, :mod:`sim.errors`, pydantic and PyYAML; nothing
of the engine, the analysis or the command line.
"""

from ..errors import InputError, Problem
from .lint import lint
from .load import load_scenario, load_tree, resolve, scenario_from_yaml
from .overrides import apply_override, parse_override, wrap
from .paths import (
    ACTOR_PATH_FIELDS,
    RUN_FIELDS,
    MeasureSpec,
    PathError,
    PathRef,
    closest,
    parse_measure,
    parse_path,
)
from .schema import (
    CODE_RE,
    DEFAULT_CATEGORIES,
    DYAD_FIELD_NAMES,
    EVENT_KINDS,
    STEP_MONTHS,
    Actor,
    Dyad,
    Event,
    Reaction,
    Scenario,
    month_index,
    month_name,
)
from .validate import field_problems, validate_tree

__all__ = [
    "ACTOR_PATH_FIELDS",
    "CODE_RE",
    "DEFAULT_CATEGORIES",
    "DYAD_FIELD_NAMES",
    "EVENT_KINDS",
    "RUN_FIELDS",
    "STEP_MONTHS",
    "Actor",
    "Dyad",
    "Event",
    "InputError",
    "MeasureSpec",
    "PathError",
    "PathRef",
    "Problem",
    "Reaction",
    "Scenario",
    "apply_override",
    "closest",
    "field_problems",
    "lint",
    "load_scenario",
    "load_tree",
    "month_index",
    "month_name",
    "parse_measure",
    "parse_override",
    "parse_path",
    "resolve",
    "scenario_from_yaml",
    "validate_tree",
    "wrap",
]
