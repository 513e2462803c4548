"""Analysis over many runs: sweeps, their store and executors, sensitivity, comparisons.

- :mod:`.spec` (the sweep-file schema), :mod:`.sample` (grids, random, LHS and SALib
  designs), :mod:`.sweep` (loading a sweep, planning and running it),
  :mod:`.store` (the resumable Parquet store), :mod:`.executors` (process pool, Dask);
- :mod:`.sensitivity` (SALib Morris and Sobol);
- :mod:`.compare` (paired comparisons with common random numbers) and
  :mod:`.bands` (seed bands).

May import: the engines, the runner, the results, the scenario, the registry;
never the plots or the command line.
"""
