"""The layers of docs/architecture.md: what each package may import, and no import circle.

Every import of a geosim module, at module level or inside a function (a lazy
import still runs), counts; imports under ``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SIM = REPO / "sim"

LAYERS = {  # module prefix -> the geosim prefixes it may import (itself always)
    "sim.errors": (),
    "sim.registry": (),
    "sim.random": (),
    "sim.parallel": (),
    "sim.rules": (),
    "sim.measures": ("sim.rules", "sim.registry"),
    "sim.scenario": ("sim.registry", "sim.errors"),
    "sim.synthetic": ("sim.scenario",),
    "sim.engine": (
        "sim.rules",
        "sim.measures",
        "sim.random",
        "sim.registry",
        "sim.scenario",
        "sim.errors",
    ),
    "sim.results": ("sim.scenario", "sim.registry"),
    "sim.runner": (
        "sim.engine",
        "sim.results",
        "sim.scenario",
        "sim.random",
        "sim.parallel",
        "sim.measures",
        "sim.errors",
    ),
    "sim.analysis": (
        "sim.runner",
        "sim.results",
        "sim.engine",
        "sim.scenario",
        "sim.registry",
        "sim.random",
        "sim.measures",
        "sim.errors",
        "sim.parallel",
    ),
    "sim.plots": ("sim.analysis", "sim.results", "sim.scenario"),
    "sim.report": (
        "sim.plots",
        "sim.analysis",
        "sim.results",
        "sim.scenario",
        "sim.registry",
        "sim.errors",
    ),
    "sim.sweep": ("sim.analysis",),
    "sim.dashboard": (  # a front end beside the command line (sim.cli.run: RunExtras)
        "sim.cli.run",
        "sim.plots",
        "sim.analysis",
        "sim.runner",
        "sim.results",
        "sim.engine",
        "sim.scenario",
        "sim.registry",
        "sim.errors",
    ),
    "sim.cli": ("sim",),
    "sim.__main__": ("sim.cli",),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str) -> set[str]:
    """The geosim modules a module imports at run time."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "sim")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "sim":
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in MODULES else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> str:
    return max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "sim"))
def test_each_module_imports_only_the_layers_below_it(name):
    layer = _layer(name)
    allowed = (layer, *LAYERS[layer])
    wrong = sorted(
        m
        for m in GRAPH[name]
        if not any(m == a or m.startswith(a + ".") for a in allowed) and "sim" not in allowed
    )
    assert not wrong, f"{name} ({layer}) imports {wrong}, above its layer"


def test_there_is_no_import_circle():
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH:
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_every_module_belongs_to_a_layer():
    orphans = [
        n
        for n in MODULES
        if n != "sim" and not any(n == p or n.startswith(p + ".") for p in LAYERS)
    ]
    assert not orphans, f"modules without a layer in this test and docs/architecture.md: {orphans}"


def _powers_with_a_variable_exponent(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        pow_operator = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)
        integer = pow_operator and isinstance(node.left, ast.Constant)  # 2 ** n: exact
        if pow_operator and not integer and not isinstance(node.right, ast.Constant):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
        calls = ("np.power", "numpy.power", "xp.pow", "xp.power")  # xp: an array namespace
        if isinstance(node, ast.Call) and ast.unparse(node.func) in calls:
            if path.name != "common.py":
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_model_raises_to_variable_powers_with_the_common_helper_only():
    """``a ** p`` or ``np.power(a, p)`` with ``p`` one number for the whole array takes
    numpy's scalar-exponent loop (``p == 2`` becomes ``a * a``) while a block of runs,
    whose ``p`` differs by run, takes the general loop, which on AVX-512 machines rounds
    differently in the last place: a run's numbers would depend on the block it shares.
    ``sim.rules.common.power`` spells the exponent out so that both take the same loop."""
    files = [*(SIM / "rules").glob("*.py"), *(SIM / "engine").glob("*.py"), SIM / "measures.py"]
    found = [line for path in sorted(files) for line in _powers_with_a_variable_exponent(path)]
    assert not found, "use sim.rules.common.power(a, p):\n" + "\n".join(found)


def test_the_common_power_rounds_a_run_as_its_block_does():
    import numpy as np

    from sim.rules.common import power

    rng = np.random.default_rng(3)
    base = np.asfortranarray(rng.uniform(0.01, 0.99, size=(4, 6, 6)))
    exponent = np.array([2.0, 0.5, 1.7, 2.0])
    block = power(base, exponent[:, None, None])
    assert block.flags.f_contiguous
    for r in range(4):
        np.testing.assert_array_equal(block[r], power(base[r], exponent[r, None, None]))
        np.testing.assert_array_equal(block[r], power(base[r], exponent[r]))
