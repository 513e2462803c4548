"""The code documents itself: docstrings everywhere, arguments described, no outside files.

Every public module, class and function of ``sim`` has a docstring; every public
function with arguments describes them in a numpydoc ``Parameters`` section (the
command-line commands excepted: typer shows their docstring as ``--help`` and each
option carries its own help text); docstrings cite papers and the project's own
docs, never a design file outside the repository; every package says what it is
for and what it may import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SIM = REPO / "sim"
MODULES = sorted(SIM.rglob("*.py"))
COMMANDS = SIM / "cli"
"""typer commands: the docstring is the --help text, options have their own help."""


def _public(tree: ast.Module):
    """(qualified name, node) of the public classes and functions, methods included."""

    def walk(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name.startswith("_"):
                    continue
                yield f"{prefix}{node.name}", node
                if isinstance(node, ast.ClassDef):
                    yield from walk(node.body, f"{prefix}{node.name}.")

    yield from walk(tree.body, "")


def _arguments(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return [n for n in names if n not in ("self", "cls")]


def _is_property(node) -> bool:
    decorators = [getattr(d, "id", getattr(d, "attr", "")) for d in node.decorator_list]
    return any(d in ("property", "setter", "cache", "cached_property") for d in decorators)


def _relative(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_every_public_module_class_and_function_has_a_docstring(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{_relative(path)} has no module docstring"
    missing = [name for name, node in _public(tree) if not ast.get_docstring(node)]
    assert not missing, f"{_relative(path)}: no docstring for {missing}"


@pytest.mark.parametrize("path", [p for p in MODULES if COMMANDS not in p.parents], ids=_relative)
def test_public_functions_describe_their_arguments(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = []
    for name, node in _public(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or _is_property(node):
            continue
        doc = ast.get_docstring(node) or ""
        if _arguments(node) and "Parameters\n----------" not in doc:
            bare.append(name)
    assert not bare, f"{_relative(path)}: no numpydoc Parameters section in {bare}"


def test_docstrings_cite_nothing_outside_the_repository():
    outside = [
        f"{_relative(p)}:{k}"
        for p in MODULES
        for k, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "DESIGN" in line or "DEVELOPERS.md" in line or "STYLE.md" in line
    ]
    assert not outside, f"references to design files outside the repository: {outside}"


@pytest.mark.parametrize("package", sorted(SIM.rglob("__init__.py")), ids=_relative)
def test_every_package_says_what_it_is_for_and_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse(package.read_text(encoding="utf-8"))) or ""
    assert len(doc.split()) > 15, f"{_relative(package)}: say what the package is for"
    if package.parent != SIM:
        assert "import" in doc, f"{_relative(package)}: say what the package may import"
