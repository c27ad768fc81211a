"""The apps depend one way: interactions builds on contacts, so no module of contacts imports
interactions, not even inside a function. Each source file is read with ast (not grep), so an
import that only runs inside a function, a relative import that climbs out of the package, and
a module named in a string to import_module() or include() are all found."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOWER = "contacts"
UPPER = "interactions"

# Calls whose first argument names a module (or an app) to load.
LOADERS = {"import_module", "__import__", "include", "get_model"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) imports, anywhere in it, as absolute names;
    `from x import y` counts as importing both x and x.y."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            found.add(base)
            found.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in LOADERS and isinstance(first, ast.Constant):
                if isinstance(first.value, str):
                    found.add(first.value)
    return found


def _names_upper(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m == UPPER or m.startswith(f"{UPPER}."))


def _lower_modules():
    for path in sorted((ROOT / LOWER).rglob("*.py")):
        yield path, path.relative_to(ROOT).as_posix()


def test_no_module_of_contacts_imports_interactions():
    offenders = {}
    for path, relative in _lower_modules():
        modules = imported_modules(
            path.read_text(), _module_name(path), is_package=path.name == "__init__.py"
        )
        if upper := _names_upper(modules):
            offenders[relative] = upper
    assert offenders == {}


def test_the_walk_reads_every_module_of_contacts():
    walked = {relative for _, relative in _lower_modules()}
    assert {"contacts/models/contact.py", "contacts/views.py", "contacts/services.py"} <= walked
    assert any(relative.startswith("contacts/migrations/") for relative in walked)


@pytest.mark.parametrize(
    "source",
    [
        "import interactions.models",
        "from interactions import followups",
        "def f():\n    from interactions.followups import mark_done\n",
        "from ... import interactions",
        "from ...interactions.models import FollowUp",
        "import_module('interactions.tasks')",
        "path('', include('interactions.urls'))",
        "apps.get_model('interactions.FollowUp')",
    ],
)
def test_an_import_of_interactions_is_found_however_it_is_written(source):
    assert _names_upper(imported_modules(source, "contacts.importing.services"))


@pytest.mark.parametrize(
    "source",
    [
        "from .models import Contact",
        "from ..models import Contact",
        "import contacts.interactions_helpers",
        "x = 'interactions'",
        "from network_crm import fragment_cache",
    ],
)
def test_imports_within_contacts_or_elsewhere_are_not_taken_for_interactions(source):
    assert not _names_upper(imported_modules(source, "contacts.importing.services"))


# Issue 16: no module over ~400 lines; past that a module is split by area (a package).
MAX_MODULE_LINES = 450
APPS = (
    "accounts", "api", "capture", "carddav", "contacts", "interactions", "network_crm",
    "notifications", "webapp",
)


def test_no_module_of_the_apps_is_over_a_readable_size():
    too_long = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_MODULE_LINES:
                too_long[path.relative_to(ROOT).as_posix()] = lines
    assert too_long == {}
