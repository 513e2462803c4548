"""Snapshot every bundled scenario's tables, or check them against a snapshot.

A refactor must keep every bundled scenario's tables bit-identical.  Before the
change::

    python tests/snapshot_tables.py write /tmp/before

after it::

    python tests/snapshot_tables.py check /tmp/before

``write`` runs each ``scenarios/*.yaml`` (and ``scenarios/history/*.yaml``) with
40 replications on the batch engine, plus two replications on the mesa path, and
stores the tables (measures, actors, dyads, trade, events) as Parquet.  ``check``
runs them again and compares every table exactly: values, dtypes, columns and row
order (``check --new-columns`` allows the columns of a new measure and compares the
others).  It prints one line per scenario and exits 1 at the first difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import sim

REPO = Path(__file__).resolve().parent.parent
REPLICATIONS = 40
MESA_REPLICATIONS = 2


def scenario_files() -> list[Path]:
    """The bundled scenario files (sweep and calibration files, data folders left out)."""
    files = sorted((REPO / "scenarios").glob("*.yaml"))
    files += sorted((REPO / "scenarios" / "history").glob("*.yaml"))
    return [f for f in files if "kind: calibration" not in f.read_text(encoding="utf-8")]


def tables(path: Path) -> dict[str, pd.DataFrame]:
    """The tables of one scenario: batch engine, and the mesa path with a prefix."""
    out = {}
    batch = sim.run(path, replications=REPLICATIONS)
    for name, frame in batch.tables.items():
        out[name] = frame
    mesa = sim.run(path, replications=MESA_REPLICATIONS, engine="mesa")
    for name, frame in mesa.tables.items():
        out[f"mesa_{name}"] = frame
    return out


def write(folder: Path) -> None:
    for path in scenario_files():
        target = folder / path.stem
        target.mkdir(parents=True, exist_ok=True)
        for name, frame in tables(path).items():
            frame.to_parquet(target / f"{name}.parquet")
        print(f"wrote {path.stem}")


def check(folder: Path, new_columns: bool = False) -> int:
    status = 0
    for path in scenario_files():
        stored = folder / path.stem
        if not stored.exists():
            print(f"{path.stem}: no snapshot (new scenario)")
            continue
        for name, frame in tables(path).items():
            before = pd.read_parquet(stored / f"{name}.parquet")
            # through Parquet both ways, so that dtypes compare like for like
            after = frame.reset_index(drop=True)
            after.to_parquet(stored / f".{name}.now.parquet")
            after = pd.read_parquet(stored / f".{name}.now.parquet")
            (stored / f".{name}.now.parquet").unlink()
            added = [c for c in after.columns if c not in before.columns]
            if new_columns and added and set(before.columns) <= set(after.columns):
                print(f"{path.stem}: {name} has new columns {added}; comparing the others")
                after = after[list(before.columns)]
            try:
                pd.testing.assert_frame_equal(before, after, check_exact=True)
            except AssertionError as exc:
                print(f"{path.stem}: {name} differs:\n{exc}")
                return 1
        print(f"{path.stem}: identical")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument("folder", type=Path)
    parser.add_argument(
        "--new-columns",
        action="store_true",
        help="check: allow columns the snapshot lacks (a new measure) and compare the others",
    )
    args = parser.parse_args()
    if args.action == "write":
        write(args.folder)
        return 0
    return check(args.folder, args.new_columns)


if __name__ == "__main__":
    sys.exit(main())
