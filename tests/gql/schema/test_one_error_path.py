"""One error path: every mutation reports through ``UserErrors``; nobody else catches.

These are structural checks over the code and the built schema, so a new mutation or a new
service message cannot slip back into the old habits (copied ``except`` blocks that lose the
field, camelCase argument names or GraphQL extensions spoken by services).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter

from gql.schema.errors import RequestErrorCode, UserErrors, api_path, user_errors
from gql.services.errors import ErrorCode, InvalidInput, Problem, Problems
from tests.gql.api import Api

ROOT = Path(__file__).resolve().parents[3]
_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


def test_every_mutation_reports_its_failures_through_user_errors(api: Api) -> None:
    """Each Mutation field carries the UserErrors extension and a payload with userErrors."""
    mutation = api.state.schema._schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    for name, field in mutation.fields.items():
        definition = (field.extensions or {})[_DEFINITION]
        assert any(isinstance(e, UserErrors) for e in definition.extensions), name
        payload = field.type.of_type if hasattr(field.type, "of_type") else field.type
        assert "userErrors" in payload.fields, name


def _handlers(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]


def test_no_resolver_catches_errors_itself() -> None:
    """Mutation and query resolvers hold no ``except``: errors take the one path."""
    schema_dir = ROOT / "gql" / "schema"
    resolvers = [*sorted((schema_dir / "mutations").glob("*.py"))]
    resolvers += sorted(schema_dir.glob("*_queries.py"))
    assert len(resolvers) > 20
    caught = {str(p.relative_to(ROOT)): _handlers(p) for p in resolvers}
    assert {k: v for k, v in caught.items() if v} == {}


_CAMEL = re.compile(r"\b[a-z]+(?:[A-Z][a-z0-9]*)+\b")
_RAISERS = {"InvalidInput", "NotFound", "Forbidden", "Unauthenticated", "Problem", "add", "of"}


def _messages(path: Path) -> list[tuple[int, str]]:
    """String literals passed to the error constructors and ``Problems.add`` in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in _RAISERS:
            continue
        for arg in [*node.args, *(k.value for k in node.keywords if k.arg != "field")]:
            for part in ast.walk(arg):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((part.lineno, part.value))
    return found


def test_services_speak_no_graphql() -> None:
    """No service message names a field in camelCase, and no service knows ``extensions``."""
    services = sorted((ROOT / "gql" / "services").rglob("*.py"))
    camel = [
        f"{p.relative_to(ROOT)}:{line}: {text!r}"
        for p in services
        for line, text in _messages(p)
        if _CAMEL.search(text)
    ]
    assert camel == []
    spoken = [
        str(p.relative_to(ROOT))
        for p in services
        if re.search(
            r"\bextensions\b|^\s*(from|import) (strawberry|graphql)\b", p.read_text(), re.M
        )
    ]
    assert spoken == []


def test_the_finders_are_not_blind(tmp_path: Path) -> None:
    """The checks above do see a handler and a camelCase message when there is one."""
    module = tmp_path / "m.py"
    module.write_text(
        "try:\n    pass\nexcept ValueError:\n"
        "    raise InvalidInput('startTime must be HH:MM', field=('start_time',))\n"
    )
    assert _handlers(module) == [3]
    assert [t for _, t in _messages(module) if _CAMEL.search(t)] == ["startTime must be HH:MM"]


def test_python_paths_become_camel_case_paths_rooted_at_input() -> None:
    """``("stops", 3, "retailer_id")`` → ``["input", "stops", "3", "retailerId"]``; aliases
    rename command fields the input calls otherwise, possibly into several names."""
    assert api_path(("stops", 3, "retailer_id"), root=("input",)) == [
        "input",
        "stops",
        "3",
        "retailerId",
    ]
    aliases = {"start_lat": ("start", "lat"), "check_in": ()}
    assert api_path(("start_lat",), aliases=aliases) == ["start", "lat"]
    assert api_path(("check_in", "device_time"), aliases=aliases) == ["deviceTime"]


def test_every_problem_of_an_input_becomes_one_user_error() -> None:
    """Collected problems keep their order, codes and paths; the input as a whole is null."""
    found = Problems()
    found.add(("grade",), "grade must be 1..30, got 0")
    found.add(("licence_no",), "licence number already registered", ErrorCode.DUPLICATE)
    found.add((), "say what to audit")
    try:
        found.raise_if_any()
    except InvalidInput as error:
        errors = user_errors(error.problems)
    assert [(e.field, e.code) for e in errors] == [
        (["input", "grade"], ErrorCode.INVALID),
        (["input", "licenceNo"], ErrorCode.DUPLICATE),
        (None, ErrorCode.INVALID),
    ]
    assert InvalidInput.of([Problem("x", ("a",))]).problems == (Problem("x", ("a",)),)


def test_every_error_code_is_documented() -> None:
    """Both enums, every member, in the Errors section of docs/api-conventions.md."""
    text = (ROOT / "docs" / "api-conventions.md").read_text(encoding="utf-8")
    section = text.split("## Errors", 1)[1].split("\n## ", 1)[0]
    codes = [c.value for c in ErrorCode] + [c.value for c in RequestErrorCode]
    assert [c for c in codes if f"| `{c}` |" not in section] == []
