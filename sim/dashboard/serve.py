"""Serving the dashboard: solara's server under uvicorn, offline.

:func:`serve` sets the environment that :mod:`.app` reads (scenario, sliders, results
root) and the settings that keep solara from reaching outside the machine, then
runs ``solara.server.starlette:app`` under uvicorn on the given host and port:

- production mode, so the page does not load solara's "call home" check;
- telemetry off (``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false``);
- the front-end assets from the ``solara-assets`` package through solara's own
  asset route, and the CDN that route would fetch a missing asset from set to
  :data:`NO_CDN`, where nothing listens: a missing asset fails here, it is never
  fetched from the internet.

The pins of the ``[dashboard]`` extra (``pyproject.toml``; ``docs/dashboard.md``)
are the versions of solara whose assets ``solara-assets`` bundles.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

ENV_SCENARIO = "GEOSIM_DASHBOARD_SCENARIO"
"""Environment variable naming the scenario file the app opens on."""

ENV_SLIDERS = "GEOSIM_DASHBOARD_SLIDERS"
"""Environment variable with the slider paths, comma-separated (default
:data:`~.sliders.DEFAULT_SLIDERS`)."""

ENV_OUT = "GEOSIM_DASHBOARD_OUT"
"""Environment variable naming the results root of "save as results folder"."""

NO_CDN = "http://127.0.0.1:9/"
"""Where solara would fetch a front-end asset it lacks: the discard port, nothing listens."""

APP = "sim.dashboard.app:page"
"""The solara app (module and component) the server runs."""


def offline_environment(
    scenario: str | Path, sliders: tuple[str, ...] | list[str] = (), out: str | Path = "results"
) -> dict[str, str]:
    """The environment variables the dashboard server runs with.

    Parameters
    ----------
    scenario : str or Path
        The scenario file the app opens on.
    sliders : sequence of str
        The slider paths (empty: the defaults).
    out : str or Path
        The results root of "save as results folder".

    Returns
    -------
    dict of str to str
        The app's settings and solara's offline settings, to set before solara is
        imported.
    """
    return {
        ENV_SCENARIO: str(scenario),
        ENV_SLIDERS: ",".join(sliders),
        ENV_OUT: str(out),
        "SOLARA_APP": APP,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "SOLARA_ASSETS_CDN": NO_CDN,
        "SOLARA_ASSETS_PROXY": "true",
        "MPLBACKEND": "Agg",
    }


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one).

    Parameters
    ----------
    host : str
        The address to listen on (``127.0.0.1``: this machine only).
    port : int
        The port, or 0 for a free one.

    Raises
    ------
    OSError
        The address is in use or cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The URL of a bound socket (``http://127.0.0.1:8765/``).

    Parameters
    ----------
    sock : socket.socket
        The listening socket.
    """
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    scenario: str | Path,
    sock: socket.socket,
    sliders: tuple[str, ...] | list[str] = (),
    out: str | Path = "results",
) -> None:
    """Run the dashboard server on a bound socket until it is stopped (Ctrl-C).

    Parameters
    ----------
    scenario : str or Path
        The scenario file the app opens on.
    sock : socket.socket
        The listening socket (:func:`bind`).
    sliders : sequence of str
        The slider paths (empty: the defaults).
    out : str or Path
        The results root of "save as results folder".
    """
    os.environ.update(offline_environment(scenario, sliders, out))
    import uvicorn

    config = uvicorn.Config(
        "solara.server.starlette:app",
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    uvicorn.Server(config).run(sockets=[sock])
