"""Print the parameter table of docs/model.md from the registry (sim.registry).

Usage (from the repository root or anywhere):

    python docs/gen_params_table.py            # print the markdown table
    python docs/gen_params_table.py --write    # rewrite the block in docs/model.md

The block lies between the markers ``<!-- params:start -->`` and
``<!-- params:end -->``; everything outside them is left as it is.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_MD = ROOT / "docs" / "model.md"
START = "<!-- params:start -->"
END = "<!-- params:end -->"


def _cell(value: object) -> str:
    """A table cell: pipes escaped, no line breaks."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _number(x: float | None) -> str:
    return "required" if x is None else f"{x:g}"


def table() -> str:
    """The markdown tables of doctrine and model parameters."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    params = importlib.import_module("sim.registry")
    lines: list[str] = []
    groups = (
        ("Doctrine (one value per actor)", params.DOCTRINE),
        ("Model (one value per run)", params.MODEL),
    )
    for title, group in groups:
        lines += [
            f"**{title}**",
            "",
            "| path | unit | default | range | tier | source |",
            "|---|---|---|---|---|---|",
        ]
        for p in group:
            row = (
                f"`{p.path}`",
                p.unit,
                _number(p.default),
                f"{_number(p.low)} – {_number(p.high)}",
                p.tier,
                p.source,
            )
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write(path: Path = MODEL_MD) -> bool:
    """Replace the block between the markers in ``path``; return whether it changed."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(START)
    middle, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise SystemExit(f"{path}: markers {START} and {END} not found")
    new = head + START + "\n" + table() + END + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the block in docs/model.md")
    args = parser.parse_args(argv)
    if args.write:
        changed = write()
        print(f"{MODEL_MD.relative_to(ROOT)}: {'updated' if changed else 'unchanged'}")
    else:
        sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
