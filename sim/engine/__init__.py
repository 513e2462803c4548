"""The engines: the state of runs, the phases of a step, and the two orchestrations.

- :mod:`.state` (the arrays), :mod:`.compile` (a scenario's structure),
  :mod:`.initial` and :mod:`.calibrate` (the starting state);
- the phases of a step (:mod:`.phases` gathers them in order): :mod:`.perceive`,
  :mod:`.decide`, :mod:`.world`, :mod:`.events`, :mod:`.observe`; :mod:`.log` holds
  the event log;
- :mod:`.model` and :mod:`.agents`: the reference mesa model (``GeoModel``, one
  ``Nation`` agent per state); :mod:`.batch`: the vectorised engine running many runs
  at once through the very same phases; :mod:`.tables` builds the tidy tables of both.

Every formula is in :mod:`sim.rules` or :mod:`sim.measures`; the engines only
orchestrate.  May import: the rules, the measures, the registry, the random
numbers and the scenario (the validated :class:`~sim.scenario.Scenario` only);
nothing of the analysis, the plots or the command line.  Importing this package
loads nothing: mesa is imported with :mod:`.model` only.
"""

ENGINES = ("batch", "mesa")
"""The engines a run may use: ``batch`` (vectorised, default) or ``mesa`` (GeoModel)."""
