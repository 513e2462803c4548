"""``geosim dashboard``: serve the interactive dashboard (:mod:`sim.dashboard`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, Problem
from .common import app, input_errors

EXTRA_HINT = 'install the dashboard extra: pip install "geosim[dashboard]" (or ".[dashboard]")'


def check_dashboard_extra() -> None:
    """Raise an InputError naming the extra unless solara and mesa's SolaraViz import."""
    from ..dashboard.sliders import quiet_mesa_hooks

    try:
        import solara  # noqa: F401

        with quiet_mesa_hooks():
            from mesa.visualization import SolaraViz  # noqa: F401
    except ImportError as exc:
        raise InputError(
            [Problem("geosim dashboard", "", None, f"cannot start: {exc}", EXTRA_HINT)]
        ) from None


@app.command()
def dashboard(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            metavar="[SCENARIO]",
            help="Scenario file to open on (default scenarios/baseline.yaml).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0: a free one).")
    ] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    sliders: Annotated[
        list[str] | None,
        typer.Option(
            "--slider",
            metavar="PATH",
            help="A doctrine or model path to show as a slider instead of the default list "
            "(repeatable), e.g. --slider actors.JPN.doctrine.threat_sensitivity.",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Results root of 'save as results folder'.")
    ] = Path("results"),
) -> None:
    """Serve the interactive dashboard (a mesa SolaraViz app) and print its URL.

    Watch one replication step by step, move doctrine sliders (applied on Reset), run
    50 replications for seed bands and the paired difference from the baseline, and
    save the settings as a results folder. Works offline; Ctrl-C stops it.
    """
    from ..dashboard.sliders import DEFAULT_SCENARIO, DEFAULT_SLIDERS, slider_specs
    from ..scenario import load_scenario

    with input_errors():
        check_dashboard_extra()
        file = scenario if scenario is not None else Path(DEFAULT_SCENARIO)
        if not file.is_file():
            raise InputError(
                [
                    Problem(
                        str(file),
                        "",
                        None,
                        "no such scenario file",
                        "give a scenario file; the bundled ones are in scenarios/",
                    )
                ]
            )
        spec = load_scenario(file)
        paths = tuple(sliders or DEFAULT_SLIDERS)
        specs = slider_specs(spec, paths)
        if not specs:
            raise InputError(
                [
                    Problem(
                        "--slider",
                        "",
                        None,
                        f"no slider path names an actor of {spec.name}",
                        f"its actors are {', '.join(spec.codes)}",
                    )
                ]
            )
        from ..dashboard.serve import bind, serve, url_of

        try:
            sock = bind(host, port)
        except OSError as exc:
            raise InputError(
                [
                    Problem(
                        "--port",
                        str(port),
                        None,
                        f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                        "choose another port, or --port 0 for a free one",
                    )
                ]
            ) from None
    typer.echo(f"geosim dashboard: {spec.name} at {url_of(sock)}", err=False)
    typer.echo("A tool for exploring scenarios, not a forecast. Ctrl-C stops the server.")
    serve(file, sock, sliders=list(sliders or ()), out=out)
