"""The model's mechanisms as pure array functions, one module per mechanism.

Every function takes arrays whose leading dimensions are free: the same call
serves one run (actors ``(N,)``, dyads ``(N, N)``) in the mesa model and a block
of runs (``(R, N)``, ``(R, N, N)``) in the batch engine.  Sums over partners run
along the last axis, term by term, so a row computed alone equals the same row of
a block.  No function does I/O, reads globals or draws random numbers: the draws are
arguments.  Each module's docstring states its mechanism and cites its source; the
equations as implemented are in ``docs/model.md`` (Submodels).

Each function takes its array namespace from its array inputs
(:func:`.common.namespace`) and calls only the Array API standard, so that it runs
on any conforming array library as on numpy (``docs/gpu.md``); structure (index
arrays, masks of the cast) stays numpy, on the host.

May import: numpy, array_api_compat and each other (:mod:`.common` above all); nothing
else of geosim.
"""
