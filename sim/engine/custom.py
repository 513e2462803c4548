"""User model classes: a GeoModel subclass named so that any worker process can load it.

A user who writes their own decision rule subclasses :class:`~.agents.Nation` and
:class:`~.model.GeoModel` (``docs/extending.md``).  Such a model runs on the mesa
path only (the batch engine runs the built-in rules), in this process or in a pool
of workers; a worker cannot receive a class defined in a script, so the class
travels by name, as a *reference*:

- ``package.module:ClassName`` for a class in an importable module;
- ``path/to/file.py:ClassName`` for a class in a file, loaded under a module name
  derived from the file's absolute path (the same in every process).

:func:`load_model_class` turns a reference into the class, checking that it is a
GeoModel subclass; :func:`reference` turns a class back into a reference.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import GeoModel

_FILE_MODULES: dict[str, Path] = {}
"""Module names given to model files loaded by path, and their files."""


class ModelClassError(ValueError):
    """A model-class reference that cannot be loaded; ``hint`` says how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def _file_module(path: Path) -> str:
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    return f"geosim_user_model_{digest}"


def load_model_class(ref: str) -> type[GeoModel]:
    """The GeoModel subclass named by ``ref`` (``module:Class`` or ``file.py:Class``).

    Parameters
    ----------
    ref : str
        The reference.

    Raises
    ------
    ModelClassError : the reference is malformed, its module or file cannot be
        imported, it has no such class, or the class is not a GeoModel subclass.
    """
    from .model import GeoModel

    module_name, sep, class_name = ref.rpartition(":")
    if not sep or not module_name or not class_name:
        raise ModelClassError(
            f"cannot read the model class {ref!r}",
            "write module:ClassName or path/to/file.py:ClassName",
        )
    if module_name.endswith(".py"):
        path = Path(module_name).resolve()
        if not path.is_file():
            raise ModelClassError(f"no model file {module_name!r}", f"looked for {path}")
        name = _file_module(path)
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ModelClassError(f"cannot load {path} as Python")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[name]
                raise ModelClassError(
                    f"importing {path} failed: {type(exc).__name__}: {exc}"
                ) from exc
            _FILE_MODULES[name] = path
        module = sys.modules[name]
    else:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ModelClassError(
                f"cannot import {module_name!r}: {exc}",
                "put the module on PYTHONPATH, or give the file: path/to/file.py:ClassName",
            ) from exc
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ModelClassError(f"{module_name} has no class {class_name!r}")
    if not (isinstance(cls, type) and issubclass(cls, GeoModel)):
        raise ModelClassError(
            f"{ref} is not a subclass of sim.GeoModel", "subclass GeoModel (docs/extending.md)"
        )
    return cls


def reference(cls: type[GeoModel]) -> str:
    """The reference that :func:`load_model_class` resolves to ``cls`` in any process.

    Parameters
    ----------
    cls : type
        A GeoModel subclass.

    Raises
    ------
    ModelClassError : the class is defined in ``__main__`` or a notebook, where no
        other process can find it.
    """
    module = cls.__module__
    if module in _FILE_MODULES:
        return f"{_FILE_MODULES[module]}:{cls.__qualname__}"
    if module == "__main__" or "<" in cls.__qualname__:
        raise ModelClassError(
            f"{cls.__qualname__} is defined in {module}, where worker processes cannot find it",
            "move it to a module or file and pass module:Class or file.py:Class",
        )
    return f"{module}:{cls.__qualname__}"
