"""The house rules of the layout: which room may import which, and how big a room's pieces get.

Each folder at the top is a layer (README, "The parts"): `crm_store` and `nlp` import nothing of
ours (nlp may use the leaf `sentence_encoder`); `bot` runs inside the Rasa server and imports only
itself and leaves; `kefu`, the running system, is imported only by `bench/`, the tests and the
entry points (`__main__.py`) that start an app-side server. The checks read every module's
imports with `ast`, function-level imports included.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OURS = {"actions", "bench", "bot", "console", "crm_store", "kefu", "nlp", "sentence_encoder"}
# Libraries of ours that import nothing of ours: anyone may use them.
LEAVES = {"sentence_encoder"}
# What each package may import of ours (besides itself and the leaves).
ALLOWED: dict[str, set[str]] = {
    "sentence_encoder": set(),
    "crm_store": set(),
    "nlp": set(),
    "bot": set(),
    "actions": {"crm_store", "nlp"},
    "console": {"crm_store", "nlp"},
    "kefu": {"crm_store", "nlp", "actions", "console"},
    # The benchmarks measure every part, the Rasa server's own components too (run in its
    # environment, as bench/tracker_read.py is).
    "bench": {"crm_store", "nlp", "kefu", "actions", "console", "bot"},
}
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
SKIPPED_PARTS = {".venv", ".venv-rasa", "node_modules", "migrations", "var", "models"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def imported_packages(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the module, nested ones too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def import_violations(package: str, path: str, source: str) -> list[Violation]:
    """The imports of one module of `package` that break the arrows."""
    allowed = ALLOWED[package] | LEAVES | {package}
    # An app-side server's entry point reads the one settings loader.
    if Path(path).name == "__main__.py" and package in {"console", "actions"}:
        allowed = allowed | {"kefu"}
    return [
        Violation(path, line, f"{package} imports {imported}")
        for line, imported in imported_packages(ast.parse(source))
        if imported in OURS and imported not in allowed
    ]


def size_violations(path: str, source: str) -> list[Violation]:
    found = []
    lines = source.count("\n")
    if lines > MAX_FILE_LINES:
        found.append(Violation(path, 1, f"{lines} lines (at most {MAX_FILE_LINES})"))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(Violation(path, node.lineno, f"{node.name}() is {length} lines long"))
    return found


def python_files() -> Iterator[Path]:
    for path in sorted(REPO.rglob("*.py")):
        relative = path.relative_to(REPO)
        if not SKIPPED_PARTS & set(relative.parts):
            yield path


def test_every_package_imports_only_what_its_layer_allows() -> None:
    found = []
    for path in python_files():
        package = path.relative_to(REPO).parts[0]
        if package in ALLOWED:
            relative = str(path.relative_to(REPO))
            found += import_violations(package, relative, path.read_text(encoding="utf-8"))
    assert not found, "\n".join(map(str, found))


def test_no_file_or_function_outside_migrations_is_too_long() -> None:
    found = []
    for path in python_files():
        found += size_violations(str(path.relative_to(REPO)), path.read_text(encoding="utf-8"))
    assert not found, "\n".join(map(str, found))


def test_every_package_is_a_known_room() -> None:
    """A new top-level package must take its place in ALLOWED (and in README's map)."""
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")}
    assert packages - {"tests"} <= set(ALLOWED), packages - set(ALLOWED)


# (package, module, source, allowed): imports the layout forbids, and some it allows.
IMPORT_CASES = [
    ("crm_store", "crm_store/services/orders.py", "from actions import slots\n", False),
    ("crm_store", "crm_store/db.py", "def f():\n    import kefu.settings\n", False),
    ("nlp", "nlp/topics.py", "from crm_store import models\n", False),
    ("nlp", "nlp/jobs.py", "import crm_store.services.snapshots\n", False),
    ("bot", "bot/guard.py", "from crm_store.models import Customer\n", False),
    ("bot", "bot/channels.py", "from kefu.settings import load_settings\n", False),
    ("bot", "bot/svm_model.py", "from nlp.text import tokens\n", False),
    ("actions", "actions/orders.py", "from kefu.settings import load_settings\n", False),
    ("console", "console/app.py", "from actions import replies\n", False),
    ("sentence_encoder", "sentence_encoder/encoder.py", "from bot import guard\n", False),
    ("nlp", "nlp/topics.py", "from sentence_encoder import load_encoder\nimport numpy\n", True),
    ("bot", "bot/guard.py", "from bot.channels import GuardedRestInput\nimport rasa\n", True),
    ("kefu", "kefu/launcher.py", "from crm_store.db import create_engine\n", True),
    ("console", "console/__main__.py", "from kefu.settings import load_settings\n", True),
    ("crm_store", "crm_store/db.py", "from .settings import DEFAULT_DATA_DIR\n", True),
]


@pytest.mark.parametrize(("package", "path", "source", "allowed"), IMPORT_CASES)
def test_the_checker_tells_allowed_imports_from_imports_against_the_arrows(
    package: str, path: str, source: str, allowed: bool
) -> None:
    assert (import_violations(package, path, source) == []) is allowed


def test_the_checker_catches_a_long_file_and_a_long_function() -> None:
    long_function = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    assert [v.what for v in size_violations("x.py", long_function)] == [
        f"f() is {MAX_FUNCTION_LINES + 1} lines long"
    ]
    long_file = "x = 1\n" * (MAX_FILE_LINES + 1)
    assert size_violations("x.py", long_file)[0].what.startswith(f"{MAX_FILE_LINES + 1} lines")
