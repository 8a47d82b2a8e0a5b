"""Every public name of the directline package has a docstring: the Python API reference
(help(), pydoc, IDEs) is made of them."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from types import ModuleType
from typing import Iterator, List, Tuple

import pytest

import directline


def public_modules() -> Iterator[ModuleType]:
    yield directline
    for info in pkgutil.iter_modules(directline.__path__):
        if info.name.startswith("_"):
            continue
        if info.name == "locust" and "locust" not in sys.modules:
            # Importing Locust monkey-patches the whole process with gevent: tests/locust
            # runs this check in a process of its own, with Locust imported first.
            continue
        try:
            yield importlib.import_module(f"directline.{info.name}")
        except ImportError as e:  # a module for an optional extra whose dependency is absent
            if e.name and e.name.split(".")[0] != "directline":
                continue
            raise


def exported(module: ModuleType) -> List[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_")
                 and getattr(v, "__module__", None) == module.__name__]
    return [n for n in names if not n.startswith("_")]


def undocumented() -> List[Tuple[str, str]]:
    missing = []
    for module in public_modules():
        if not inspect.getdoc(module):
            missing.append((module.__name__, "(module)"))
        for name in exported(module):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isroutine(obj)):
                continue  # constants and type aliases
            if not (obj.__doc__ or "").strip():
                missing.append((module.__name__, name))
            if inspect.isclass(obj):
                for member_name, member in vars(obj).items():
                    if member_name.startswith("_"):
                        continue
                    target = member.fget if isinstance(member, property) else member
                    if isinstance(target, (staticmethod, classmethod)):
                        target = target.__func__
                    if inspect.isroutine(target) and not (target.__doc__ or "").strip():
                        missing.append((module.__name__, f"{name}.{member_name}"))
    return missing


def test_every_public_name_has_a_docstring() -> None:
    missing = undocumented()
    assert not missing, "no docstring: " + ", ".join(f"{m}.{n}" for m, n in missing)


def test_the_check_sees_the_api() -> None:
    # Guards against a walk that silently finds nothing to check.
    names = exported(directline)
    assert {"Client", "Conversation", "DirectLineError", "library_version"} <= set(names)
    assert any(m.__name__ == "directline.aio" for m in public_modules())


@pytest.mark.parametrize("name", ["Client", "Conversation"])
def test_methods_are_checked(name: str) -> None:
    methods = [m for m, v in vars(getattr(directline, name)).items()
               if not m.startswith("_") and (inspect.isroutine(v) or isinstance(v, property))]
    assert len(methods) >= 5
