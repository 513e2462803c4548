"""The interactive dashboard: ``geosim dashboard``, a SolaraViz app (mesa's convention).

- :mod:`.sliders`: slider specs from the parameter registry, the overrides slider
  values make, and :class:`~.sliders.DashboardModel`, the GeoModel SolaraViz builds;
- :mod:`.runs`: what the buttons run ("run 50 replications" on the batch engine,
  the paired difference against the baseline, "save as results folder");
- :mod:`.app`: the solara page (needs the ``[dashboard]`` extra);
- :mod:`.serve`: the server, with the settings that keep it offline.

``docs/dashboard.md`` says how to start it, what each panel shows and how to add a
slider.  A front end like the command line: may import everything in geosim
(``sim.cli.run`` for what ``geosim run`` writes into a folder); only
:mod:`sim.cli.dashboard` imports it.  :mod:`.sliders` and :mod:`.runs` need neither
solara nor a browser.
"""
