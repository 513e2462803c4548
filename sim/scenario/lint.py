"""Warnings that do not stop a run: reactions that duplicate an endogenous rule.

A reaction that makes an actor arm on insecurity, sanction a provoker or answer a
relation with a relation counts that mechanism twice (``docs/model.md``, 7.13
Events and reactions); ``geosim validate`` and ``geosim run`` print a warning for each.
"""

from __future__ import annotations

from .paths import parse_measure
from .schema import Scenario

_DUPLICATES = (
    # (measures read, paths written, the endogenous rule that already does it)
    (
        ("insecurity", "security", "threat", "cover"),
        ("doctrine.grievance", "doctrine.threat_sensitivity", ".milex"),
        "the arms rule (Richardson): insecurity above tolerance already raises the burden",
    ),
    (
        ("provocation_memory", "provocations", "provocation_hazard"),
        (".sanction",),
        "the unilateral sanctions rule: provocations already raise sanctions",
    ),
    (
        ("relation",),
        (".relation",),
        "the relations rule: attitudes already respond to reciprocity, threat and trade",
    ),
    (
        ("sanction",),
        (".relation",),
        "the relations rule: sanctions suffered already cool attitudes (sanction_resentment)",
    ),
)


def lint(scenario: Scenario) -> list[str]:
    """Warnings that do not stop a run: reactions that duplicate an endogenous rule.

    A reaction that makes an actor arm on insecurity, sanction a provoker or answer a
    relation with a relation counts the mechanism twice: the arms rule
    (``docs/model.md``, 7.4; Richardson 1960), unilateral sanctions (7.10) and
    relations (7.7) already respond to these measures.  A reaction is flagged when it
    reads one of a rule's measures and writes, by ``set``, ``add`` or ``scale``, a
    path that rule already moves.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.

    Returns
    -------
    list of str
        One warning per reaction and rule it duplicates, naming the reaction
        (``reactions[k]``), its measure and paths, and the rule; empty when none does.
    """
    out = []
    for k, r in enumerate(scenario.reactions):
        measure = parse_measure(r.when.measure, scenario.codes).name
        paths = [p for table in (r.then.set, r.then.add, r.then.scale) for p in (table or {})]
        for measures, written, rule in _DUPLICATES:
            hits = [p for p in paths if any(w in p for w in written)]
            if measure in measures and hits:
                out.append(
                    f"reactions[{k}] ({r.actor}: {r.when.measure} -> {', '.join(hits)}) "
                    f"duplicates {rule}"
                )
    return out
