"""Rules about the code's shape, kept by reading it: where listeners and routes live. (That
migrations import nothing from the application is test_migrations'.)"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOG = ROOT / "blog"

# SQLAlchemy's classes whose listeners reach every engine or session in the process.
GLOBAL_CLASSES = {"Engine", "Session"}
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def relative(path: Path, folder: Path = BLOG) -> str:
    return path.relative_to(folder).as_posix()


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def cases(paths, folder: Path) -> list:
    """One case per file, named by its path."""
    return [pytest.param(path, id=relative(path, folder)) for path in paths]


def last_name(node: ast.expr) -> str | None:
    """`Session` for `Session`, `orm.Session` and `listens_for`, `event.listens_for`."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def global_class_listeners(tree: ast.Module) -> list[int]:
    """Lines that register a listener on SQLAlchemy's Engine or Session class (by any alias)."""
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name in GLOBAL_CLASSES
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and last_name(node.func) in ("listen", "listens_for")
        and node.args
        and (
            (isinstance(node.args[0], ast.Name) and node.args[0].id in aliases)
            or (isinstance(node.args[0], ast.Attribute) and node.args[0].attr in GLOBAL_CLASSES)
        )
    ]


def test_no_module_listens_to_every_engine_or_session_in_the_process():
    found = [
        f"{relative(path)}:{line}"
        for path in sorted(BLOG.rglob("*.py"))
        for line in global_class_listeners(parsed(path))
    ]
    assert found == []


def listeners_at_import(tree: ast.Module) -> list[int]:
    """Lines of the module's own body that register a listener as soon as it is imported."""
    decorated = [
        decorator.lineno
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call) and last_name(decorator.func) == "listens_for"
    ]
    called = [
        node.lineno
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and last_name(node.value.func) == "listen"
    ]
    return decorated + called


def test_listeners_are_registered_by_the_factory_not_at_import():
    found = [
        f"{relative(path)}:{line}"
        for path in sorted(BLOG.rglob("*.py"))
        for line in listeners_at_import(parsed(path))
    ]
    assert found == []


def routes(tree: ast.Module) -> list[int]:
    """Lines that define a URL rule: `.route(…)`, `.add_url_rule(…)` or a `@….get(…)`-like
    decorator."""
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and last_name(node.func) in ("route", "add_url_rule")
    ]
    decorators = [
        decorator.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call) and last_name(decorator.func) in ROUTE_DECORATORS
    ]
    return sorted({*calls, *decorators})


@pytest.mark.parametrize(
    "module",
    cases(sorted(path for path in BLOG.rglob("*.py") if path.name != "views.py"), BLOG),
)
def test_views_are_defined_only_in_a_blueprints_views_module(module):
    # A newcomer finds every page by grepping views.py for @bp.route / @bp.get.
    assert routes(parsed(module)) == []


def test_the_fast_suite_leaves_out_every_browser_test():
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not e2e"]
    listed = subprocess.run(
        [*collect, "tests/e2e", "tests/test_models.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    test_ids = [line for line in listed if "::" in line]
    assert any(test_id.startswith("tests/test_models.py::") for test_id in test_ids)
    assert not [test_id for test_id in test_ids if test_id.startswith("tests/e2e/")]


PRIVATE_STATE = re.compile(r"_user_id|g\.csrf_token|g\.get\(\s*[\"']csrf_token")


def test_no_module_reads_another_librarys_private_state():
    # Flask-Login's session keys and Flask-WTF's request globals may change in any release.
    found = [
        f"{relative(path)}:{number}"
        for path in sorted(BLOG.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PRIVATE_STATE.search(line)
    ]
    assert found == []
