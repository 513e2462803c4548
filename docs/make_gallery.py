"""Regenerate the README gallery: small PNGs under docs/img/.

Run from the repository root::

    python docs/make_gallery.py            # 50 replications, as the scenario says
    python docs/make_gallery.py --replications 20

It runs the baseline scenario (its seed, its horizon), draws the headline run
figures, the actors and story figures of the 1948-2024 replay (docs/history.md) and
one comparison (baseline against three variants, paired with common random numbers) and writes them at a low resolution to keep each file under
~150 KB.  The same data gives the same bytes, so an unchanged model leaves
``git status`` clean.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sim import plots  # noqa: E402
from sim.analysis.compare import compare  # noqa: E402
from sim.analysis.observed import beside, model_at_observations  # noqa: E402
from sim.plots.story import story_figure  # noqa: E402
from sim.runner import run  # noqa: E402
from sim.scenario.observations import load_observations  # noqa: E402

SCENARIOS = REPO / "scenarios"
RUN_FIGURES = ("balance", "risk", "security", "actors", "trade", "network", "heatmap", "sanctions")
VARIANTS = ("trilateral_strengthens", "china_opposes", "partnership_deepens")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--dpi", type=int, default=72)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    result = run(SCENARIOS / "baseline.yaml", replications=args.replications)
    for name in RUN_FIGURES:
        fig = plots.RUN_FIGURES[name][1](result)
        path = plots.save_figure(fig, args.out / f"baseline_{name}.png", "png", args.dpi)
        print(f"{path.relative_to(REPO)}  {path.stat().st_size / 1024:.0f} KB")
    replay = run(SCENARIOS / "history" / "replay_1948.yaml", replications=args.replications)
    fig = plots.RUN_FIGURES["actors"][1](replay)
    path = plots.save_figure(fig, args.out / "history_actors.png", "png", args.dpi)
    print(f"{path.relative_to(REPO)}  {path.stat().st_size / 1024:.0f} KB")
    spec = replay.scenario
    base = SCENARIOS / "history"
    observations = load_observations(spec, base, str(base / "replay_1948.yaml"))
    observed = beside(observations, model_at_observations(replay.tables, observations))
    fig = story_figure(replay, observed)
    path = plots.save_figure(fig, args.out / "history_story.png", "png", args.dpi)
    print(f"{path.relative_to(REPO)}  {path.stat().st_size / 1024:.0f} KB")
    comparison = compare(
        [SCENARIOS / "baseline.yaml", *(SCENARIOS / f"{v}.yaml" for v in VARIANTS)],
        replications=args.replications,
    )
    for name, draw in (
        ("comparison", plots.comparison_figure),
        ("ranking", plots.comparison_ranking),
    ):
        drawn = draw(comparison)
        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        path = plots.save_figure(fig, args.out / f"compare_{name}.png", "png", args.dpi)
        print(f"{path.relative_to(REPO)}  {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
