"""Write the calibration tables of docs/validation.md from a geosim calibrate folder.

Run from the repository root after ``geosim calibrate
scenarios/history/calibrate_2017.yaml``::

    python docs/gen_calibration_tables.py results/<stamp>-calibrate-hindcast_2017 --write

It replaces the parameter table and the score table between their markers
(``<!-- calibration-parameters: begin -->`` ... and ``<!-- calibration-scores: ...``)
and copies the figures into ``docs/img/calibration/`` at a lower resolution (all
but the pair matrix).  Without ``--write`` it prints the tables.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "validation.md"
IMG = REPO / "docs" / "img" / "calibration"


def _n(x: float) -> str:
    """A number in 3 significant figures with a typographic minus."""
    return f"{x:.3g}".replace("-", "\u2212")


def _short(path: str) -> str:
    parts = path.split(".")
    return f"{parts[1]} `{parts[-1]}`" if parts[0] == "actors" else f"`{path}`"


def parameter_table(folder: Path) -> str:
    """The parameters: uncalibrated, calibrated, 90 % posterior, prior.

    Parameters
    ----------
    folder : Path
        A calibration's results folder.
    """
    import json

    manifest = json.loads((folder / "manifest.json").read_text())
    spec = yaml.safe_load(Path(manifest["file"]).read_text())
    post = pd.read_parquet(folder / "posterior.parquet")
    last = post[post["generation"] == post["generation"].max()]
    sys.path.insert(0, str(REPO))
    from sim.analysis.calibration import _current, load_calibration, weighted_quantile

    cal = load_calibration(manifest["file"])
    w = last["weight"].to_numpy()
    lines = [
        "| parameter | uncalibrated | calibrated (median) | 90 % posterior | prior |",
        "|---|---|---|---|---|",
    ]
    for name in manifest["parameters"]:
        v = last[name].to_numpy()
        lo, mid, hi = (weighted_quantile(v, w, q) for q in (0.05, 0.5, 0.95))
        a, b = spec["parameters"][name]["range"]
        lines.append(
            f"| {_short(name)} | {_n(_current(cal, name))} | {_n(mid)} | {_n(lo)} – {_n(hi)} "
            f"| {_n(a)} – {_n(b)} |"
        )
    return "\n".join(lines)


def score_table(folder: Path) -> str:
    """Per series and window: CRPS and 90 % band share of the three ensembles.

    Parameters
    ----------
    folder : Path
        A calibration's results folder.
    """
    s = pd.read_csv(folder / "score.csv")
    s = s[s["window"] != "all"]
    lines = [
        "| series | window | obs. | CRPS uncalibrated | CRPS calibrated | CRPS posterior "
        "| in 90 % uncal. | calib. | post. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in dict.fromkeys(s["measure"]):
        for win in ("calibration", "validation"):
            r = s[(s["measure"] == m) & (s["window"] == win)].set_index("fit")
            if r.empty:
                continue
            c, b = r["crps"], r["in90"]
            lines.append(
                f"| `{m}` | {win} | {int(r['observations'].iloc[0])} | "
                f"{c['uncalibrated']:.3g} | {c['calibrated']:.3g} | {c['posterior']:.3g} | "
                f"{b['uncalibrated']:.0%} | {b['calibrated']:.0%} | {b['posterior']:.0%} |"
            )
    return "\n".join(lines)


def _replace(text: str, name: str, table: str) -> str:
    pattern = re.compile(rf"(<!-- {name}: begin -->\n).*?(\n<!-- {name}: end -->)", flags=re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"no <!-- {name}: begin/end --> markers in {DOC}")
    return pattern.sub(lambda m: m.group(1) + table + m.group(2), text)


def copy_figures(folder: Path) -> None:
    """Copy the figures, 0.75 of their size and 96 colours (Pillow).

    Parameters
    ----------
    folder : Path
        A calibration's results folder.
    """
    from PIL import Image

    IMG.mkdir(parents=True, exist_ok=True)
    for p in sorted((folder / "plots").glob("*.png")):
        if p.name == "posterior_pairs.png":
            continue
        im = Image.open(p).convert("RGB")
        w, h = im.size
        im = im.resize((int(w * 0.75), int(h * 0.75)), Image.LANCZOS)
        im.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(IMG / p.name, optimize=True)


def main() -> None:
    """Parse the arguments; print or write."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    params, scores = parameter_table(args.folder), score_table(args.folder)
    if not args.write:
        print(params, scores, sep="\n\n")
        return
    text = DOC.read_text(encoding="utf-8")
    text = _replace(text, "calibration-parameters", params)
    text = _replace(text, "calibration-scores", scores)
    DOC.write_text(text, encoding="utf-8")
    copy_figures(args.folder)
    print(f"{DOC.relative_to(REPO)}: tables written; figures in {IMG.relative_to(REPO)}")


if __name__ == "__main__":
    main()
