"""No SQL is built from strings: `text()` / `execute()` never get an f-string or concatenation
with run-time values, except DDL in migrations and the local-stack setup (reasons below).

Identifiers (schema, role, database, trigger names) cannot be bound parameters, so DDL has to
interpolate them. Migrations run no request input at all: there an interpolated value may only
be a bare name (a constant of the revision file or a helper's parameter), never a call, an
attribute or a subscript. Elsewhere only the functions listed in ALLOWED may interpolate.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCANNED = (
    "shared",
    "patient_service",
    "therapist_service",
    "matching_service",
    "communication_service",
    "geocoding_service",
    "scraping_service",
    "migrations",
    "scripts",
)
SQL_CALLS = {"text", "execute", "exec_driver_sql", "executescript", "literal_column"}

# (file, enclosing function) → why the interpolated value is not user input.
_STACK_SETUP = "local-stack DDL: the database name from the operator's command line, roles from "
ALLOWED = {
    ("scripts/infra.py", "setup_database"): _STACK_SETUP + "SERVICE_NAMES (constants)",
    ("scripts/infra.py", "_grant_schemas"): _STACK_SETUP + "DATABASE_ROLES (constants)",
    ("scripts/infra.py", "reset_database"): _STACK_SETUP + "the test-database option",
    ("scripts/infra.py", "_ensure_role"): _STACK_SETUP + "SERVICE_NAMES; the dev password quoted",
}
MIGRATIONS = "migrations/"


def built_sql_calls(tree):
    """(function name, line) of every SQL call whose first argument is built at run time."""
    found = []
    for scope, node in _calls_with_scope(tree):
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name in SQL_CALLS and node.args and is_built_string(node.args[0]):
            found.append((scope, node.lineno, only_bare_names(node.args[0])))
    return found


def only_bare_names(node):
    """True when every interpolated value is a plain variable name."""
    values = [
        child.value if isinstance(child, ast.FormattedValue) else child
        for child in ast.walk(node)
        if isinstance(child, ast.FormattedValue) or _operand(node, child)
    ]
    return all(isinstance(v, ast.Name | ast.Constant | ast.JoinedStr) for v in values)


def _operand(root, child):
    return isinstance(root, ast.BinOp) and child in (root.left, root.right)


def _calls_with_scope(tree):
    def walk(node, scope):
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            )
            if isinstance(child, ast.Call):
                yield inner, child
            yield from walk(child, inner)

    yield from walk(tree, "<module>")


def is_built_string(node):
    """An f-string with a value, `+`/`%` with a non-constant side, or `"...".format(...)`."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return not (_constant(node.left) and _constant(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _stringish(node.func.value)
    return False


def _constant(node):
    if isinstance(node, ast.BinOp):
        return _constant(node.left) and _constant(node.right)
    return isinstance(node, ast.Constant)


def _stringish(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def offenders():
    found = set()
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            for scope, line, bare in built_sql_calls(ast.parse(path.read_text(), relative)):
                if not (relative.startswith(MIGRATIONS) and bare):
                    found.add((relative, scope, line))
    return found


def test_no_sql_call_gets_a_string_built_from_values():
    unexpected = sorted(o for o in offenders() if (o[0], o[1]) not in ALLOWED)
    assert unexpected == [], "SQL built from strings (use bound parameters):\n" + "\n".join(
        f"{path}:{line} in {scope}" for path, scope, line in unexpected
    )


def test_every_allowed_entry_is_still_needed():
    used = {(path, scope) for path, scope, _ in offenders()}
    assert set(ALLOWED) <= used, set(ALLOWED) - used


def test_the_detector_flags_the_forms_it_is_meant_to_flag():
    sample = ast.parse(
        "def bad(x):\n"
        "    session.execute(text(f'SELECT * FROM t WHERE id = {x}'))\n"
        "    conn.execute('SELECT ' + x)\n"
        "    text('SELECT %s' % x)\n"
        "    text('SELECT {}'.format(x))\n"
        "def good(x):\n"
        "    session.execute(text('SELECT * FROM t WHERE id = :id'), {'id': x})\n"
        "    text('SELECT ' + 'constant')\n"
    )
    assert [scope for scope, _, _ in built_sql_calls(sample)] == ["bad"] * 4


def test_migrations_may_interpolate_names_but_never_calls_or_attributes():
    sample = ast.parse(
        "op.execute(f'DROP TABLE {SCHEMA}.t')\n"
        "op.execute(f'DROP TABLE {request.args}')\n"
        "op.execute(f'DROP TABLE {name()}')\n"
    )
    assert [bare for _, _, bare in built_sql_calls(sample)] == [True, False, False]
