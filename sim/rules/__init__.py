"""The model's mechanisms as pure numpy functions, one module per mechanism.

Every function takes arrays whose leading dimensions are free: the same call
serves one run (actors ``(N,)``, dyads ``(N, N)``) in the mesa model and a block
of runs (``(R, N)``, ``(R, N, N)``) in the batch engine.  Sums over partners run
along the last axis, term by term, so a row computed alone equals the same row of
a block.  No function does I/O, reads globals or draws random numbers: the draws are
arguments.  Each module's docstring states its mechanism and cites its source; the
equations as implemented are in ``docs/model.md`` (Submodels).

May import: numpy and each other (:mod:`.common` above all); nothing else of geosim.
"""
