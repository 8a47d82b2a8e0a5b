"""Package metadata, the native library it loads, and the public surface."""
from __future__ import annotations

import importlib.metadata
import os
import inspect
import re
from pathlib import Path

import directline
import directline.aio
from directline import _directline

REPO = Path(__file__).resolve().parents[2]


def test_version_is_single_sourced() -> None:
    header = (REPO / "capi" / "include" / "directline.h").read_text()
    match = re.search(r'#define DL_VERSION_STRING "([^"]+)"', header)
    assert match
    assert directline.__version__ == match.group(1) == directline.library_version()
    if os.environ.get("DIRECTLINE_EXPECT_INSTALLED") == "1":  # scripts/test-python.sh
        assert "site-packages" in Path(directline.__file__).resolve().parts
        assert importlib.metadata.version("directline") == directline.__version__


def test_native_library_sits_next_to_the_module() -> None:
    module = Path(_directline.__file__)
    maps = Path("/proc/self/maps").read_text()
    loaded = {line.split()[-1] for line in maps.splitlines() if "libdirectline.so" in line}
    assert loaded, "libdirectline is not loaded"
    if os.environ.get("DIRECTLINE_EXPECT_INSTALLED") == "1":
        assert (module.parent / "libdirectline.so.1").exists()
    if (module.parent / "libdirectline.so.1").exists():  # the installed wheel
        assert str((module.parent / "libdirectline.so.1").resolve()) in \
            {str(Path(p).resolve()) for p in loaded}


def test_typing_marker_and_stub_installed() -> None:
    package = Path(directline.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_directline.pyi").exists()


def test_every_public_name_has_a_docstring() -> None:
    for module in (directline, directline.aio):
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                assert obj.__doc__, f"{module.__name__}.{name}"
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if inspect.isfunction(member) or isinstance(member, property):
                        assert member.__doc__, f"{module.__name__}.{name}.{attr}"


def test_aio_mirrors_the_blocking_api() -> None:
    for sync_cls, async_cls in ((directline.Client, directline.aio.Client),
                                (directline.Conversation, directline.aio.Conversation)):
        public = {n for n in vars(sync_cls) if not n.startswith("_")}
        missing = public - set(dir(async_cls))
        assert not missing, (async_cls, missing)


def test_exception_hierarchy() -> None:
    assert issubclass(directline.TokenExpiredError, directline.ForbiddenError)
    assert issubclass(directline.InvalidArgumentError, ValueError)
    assert issubclass(directline.DirectLineTimeoutError, TimeoutError)
    assert issubclass(directline.NetworkError, ConnectionError)
    for name in directline.__all__:
        obj = getattr(directline, name)
        if inspect.isclass(obj) and name.endswith("Error"):
            assert issubclass(obj, directline.DirectLineError)
