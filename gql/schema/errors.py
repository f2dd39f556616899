"""Every error a client sees, in one place: its code, its shape and its HTTP status.

Three kinds of failure reach a client, each with exactly one shape:

* an expected failure of a mutation (a service's :class:`~gql.services.errors.ServiceError`)
  becomes the payload's ``userErrors { field message code }``, one entry per fault of the input,
  with camelCase paths rooted at ``input`` (:class:`UserErrors`, on every mutation field);
* a failure of a query field, a document the schema refuses and an unexpected error anywhere
  in execution become GraphQL errors with ``extensions.code`` (:func:`shape_errors`); bugs are
  masked as "Unexpected error." and logged with their traceback, client mistakes are not logged;
* a request that never reaches execution — a body that is not UTF-8 JSON or not an object, a
  wrong method, a subscription over POST, an operation past its deadline, a crash outside
  execution — becomes a GraphQL-shaped JSON body with a 4xx/5xx status
  (:func:`http_error_response`); never plain text, never HTML.

Extension point: a new refusal (request size, rate limit, …) adds a member to
:class:`RequestErrorCode` (with its status in ``_STATUS``), documents it in
``docs/api-conventions.md`` and raises :class:`RequestError` — from the HTTP view, a schema
extension (during execution it is shaped like any other coded error) or an ASGI middleware that
answers with :func:`http_error_response`. Nothing else needs to change.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry
from cross_web import HTTPException
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.responses import JSONResponse
from strawberry.extensions import FieldExtension

from gql.schema.types.enums import described_enum
from gql.services.errors import ErrorCode, FieldPath, Problem, ServiceError
from gql.store.db import is_busy

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from strawberry.types import Info
    from strawberry.types.field import StrawberryField

__all__ = [
    "MASKED_MESSAGE",
    "RequestError",
    "RequestErrorCode",
    "UserError",
    "UserErrorCodeEnum",
    "UserErrors",
    "api_path",
    "http_error_response",
    "shape_errors",
    "should_mask",
    "user_errors",
    "without_suggestions",
]

log = logging.getLogger("visitgis.errors")

MASKED_MESSAGE = "Unexpected error."
BUSY_MESSAGE = (
    "the records are being changed by another request and did not come free in time; "
    "nothing was saved: retry shortly"
)
SIGN_IN = "sign in: send 'Authorization: Bearer <token>' (over WebSocket: in connection_init)"


class RequestErrorCode(enum.StrEnum):
    """Codes of errors about the request rather than its input (``extensions.code`` only)."""

    BAD_REQUEST = "BAD_REQUEST"
    """The body is not a UTF-8 JSON object with a ``query`` string (or its fields are mistyped)."""
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    """POST bodies must be ``application/json``."""
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    """``/graphql`` takes POST (and GET only for the development IDE)."""
    WRONG_TRANSPORT = "WRONG_TRANSPORT"
    """A subscription sent over HTTP; subscriptions run over WebSocket (graphql-transport-ws)."""
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    """The document is not GraphQL (or longer than the token limit)."""
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    """The document does not fit the schema, or breaks the depth/alias limits."""
    INVALID_VARIABLES = "INVALID_VARIABLES"
    """A variable's value does not fit its declared type."""
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    """The worst-case result size exceeds the cost limit; ask for fewer items."""
    NODE_LIMIT_EXCEEDED = "NODE_LIMIT_EXCEEDED"
    """The items all connections may return, nested pages multiplied, exceed the node limit."""
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    """The body, the query text or the variables exceed their size limit (HTTP 413)."""
    VARIABLES_TOO_DEEP = "VARIABLES_TOO_DEEP"
    """The variables nest deeper than the limit."""
    STRING_TOO_LONG = "STRING_TOO_LONG"
    """A string argument (an ID, search text, a title, a note) is longer than its limit."""
    RATE_LIMITED = "RATE_LIMITED"
    """The caller spent its cost budget; retry after ``RateLimit-Reset`` seconds (HTTP 429)."""
    OPERATION_TIMEOUT = "OPERATION_TIMEOUT"
    """The operation ran past the execution timeout and was cancelled; nothing was saved."""
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    """The service is starting (compiling its kernels); retry shortly."""
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    """A bug; the details are in the server log, never in the answer."""


_STATUS: dict[RequestErrorCode, int] = {
    RequestErrorCode.BAD_REQUEST: 400,
    RequestErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    RequestErrorCode.METHOD_NOT_ALLOWED: 405,
    RequestErrorCode.WRONG_TRANSPORT: 400,
    RequestErrorCode.GRAPHQL_PARSE_FAILED: 400,
    RequestErrorCode.GRAPHQL_VALIDATION_FAILED: 400,
    RequestErrorCode.INVALID_VARIABLES: 400,
    RequestErrorCode.QUERY_TOO_COSTLY: 400,
    RequestErrorCode.NODE_LIMIT_EXCEEDED: 400,
    RequestErrorCode.REQUEST_TOO_LARGE: 413,
    RequestErrorCode.VARIABLES_TOO_DEEP: 400,
    RequestErrorCode.STRING_TOO_LONG: 400,
    RequestErrorCode.RATE_LIMITED: 429,
    RequestErrorCode.OPERATION_TIMEOUT: 503,
    RequestErrorCode.SERVICE_UNAVAILABLE: 503,
    RequestErrorCode.INTERNAL_SERVER_ERROR: 500,
}
"""HTTP status of each code when it ends a request before (or instead of) a GraphQL result."""


class RequestError(Exception):
    """A request refused before or instead of execution; rendered by :func:`http_error_response`.

    Raised inside execution (an extension), it is shaped like any coded GraphQL error instead.
    """

    def __init__(
        self,
        code: RequestErrorCode,
        message: str,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = _STATUS[code] if status is None else status
        self.headers = dict(headers or {})


def http_error_response(error: BaseException) -> JSONResponse:
    """The one HTTP answer for a request that did not produce a GraphQL result.

    ``error`` may be a :class:`RequestError`, strawberry's HTTP exception (its own checks of
    method, body and operation) or anything else (a bug: logged with its traceback, masked).
    """
    if isinstance(error, HTTPException):
        error = _from_strawberry(error)
    if not isinstance(error, RequestError):
        log.error("unexpected error outside execution", exc_info=error)
        error = RequestError(RequestErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE)
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code.value}}]}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _from_strawberry(error: HTTPException) -> RequestError:
    if error.status_code in (404, 405):  # another method, or the IDE asked for where it is off
        return RequestError(
            RequestErrorCode.METHOD_NOT_ALLOWED,
            "send GraphQL requests to /graphql by POST (application/json)",
            headers={"Allow": "POST"},
        )
    if error.reason == "Unsupported content type":
        return RequestError(
            RequestErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "send the request body as application/json (multipart/form-data for file uploads)",
        )
    if error.status_code == 400:
        return RequestError(RequestErrorCode.BAD_REQUEST, error.reason)
    code = (
        RequestErrorCode.SERVICE_UNAVAILABLE
        if error.status_code == 503
        else RequestErrorCode.INTERNAL_SERVER_ERROR
    )
    return RequestError(code, error.reason, status=error.status_code)


# -- user errors of mutations ----------------------------------------------------------------

described_enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why a mutation refused its input (stable; see docs/api-conventions.md).",
    value_descriptions={
        ErrorCode.UNAUTHENTICATED: "No valid caller: sign in.",
        ErrorCode.FORBIDDEN: "Your role may not do this at all.",
        ErrorCode.NOT_FOUND: "Missing, or not yours to see (the two look the same).",
        ErrorCode.INVALID: "A value you must fix (range, format, combination of fields).",
        ErrorCode.DUPLICATE: "A value that must be unique is taken already.",
        ErrorCode.STALE_VERSION: "Changed since you read it: reload and try again.",
        ErrorCode.CONFLICT: "Its state no longer allows this (closed, decided, completed).",
        ErrorCode.INVALID_COORDINATE: "A position outside its coordinate system's range.",
        ErrorCode.SPACING_VIOLATION: "Another licensed retailer is closer than the minimum.",
        ErrorCode.DEADLINE_EXCEEDED: "A computation ran out of time: ask for less.",
    },
)
UserErrorCodeEnum: TypeAlias = ErrorCode


@strawberry.type(description="A problem with the input of a mutation, tied to the input field.")
class UserError:
    """One fault of a mutation's input."""

    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "stops", "3", '
        '"retailerId"]; null when the input as a whole is at fault.'
    )
    message: str = strawberry.field(description="What is wrong, in words a user can act on.")
    code: UserErrorCodeEnum = strawberry.field(description="Stable machine-readable code.")


def camel(name: str) -> str:
    """``retailer_id`` → ``retailerId`` (names already in camelCase pass unchanged)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def api_path(
    field: FieldPath, *, root: Iterable[str] = (), aliases: Mapping[str, FieldPath] | None = None
) -> list[str]:
    """A service's Python field path as the API names it: camelCase, indexes as strings.

    ``aliases`` renames command fields that the API input calls otherwise (e.g.
    ``{"plan_date": ("date",)}``); an alias may expand to several names or to none.
    """
    path = list(root)
    for segment in field:
        if isinstance(segment, int):
            path.append(str(segment))
            continue
        for part in aliases.get(segment, (segment,)) if aliases else (segment,):
            path.append(str(part) if isinstance(part, int) else camel(part))
    return path


def _message(problem: Problem, auth_error: str | None) -> str:
    if problem.code is ErrorCode.UNAUTHENTICATED:
        return SIGN_IN if auth_error is None else f"{SIGN_IN}; the token was refused: {auth_error}"
    return problem.message


def user_errors(
    problems: Iterable[Problem],
    *,
    root: Iterable[str] = ("input",),
    aliases: Mapping[str, FieldPath] | None = None,
    auth_error: str | None = None,
) -> list[UserError]:
    """Service problems as ``userErrors``: one per fault, paths rooted at ``root``."""
    base = tuple(root)
    return [
        UserError(
            field=api_path(p.field, root=base, aliases=aliases) if p.field else None,
            message=_message(p, auth_error),
            code=p.code,
        )
        for p in problems
    ]


class UserErrors(FieldExtension):
    """Every expected failure of a mutation becomes its payload's ``userErrors``.

    Applied to every mutation field (``gql.schema.mutations._payloads.payload_mutation``), so
    no resolver handles errors itself. The payload type must give every field but
    ``user_errors`` a default: a refused mutation returns ``Payload(user_errors=[...])``.
    """

    def __init__(self, aliases: Mapping[str, FieldPath] | None = None) -> None:
        self.aliases = dict(aliases or {})
        self.payload: Callable[..., Any] | None = None

    def apply(self, field: StrawberryField) -> None:
        """Check, when the schema is built, that the payload can report a refusal."""
        payload: Any = field.type
        names = {f.python_name for f in payload.__strawberry_definition__.fields}
        if "user_errors" not in names:
            raise TypeError(f"{field.python_name}: {payload} has no user_errors field")
        payload(user_errors=[])  # every other field has a default, or this raises now
        self.payload = payload

    def _refused(self, error: ServiceError, info: Info) -> Any:
        assert self.payload is not None
        errors = user_errors(
            error.problems,
            aliases=self.aliases,
            auth_error=getattr(info.context, "auth_error", None),
        )
        return self.payload(user_errors=errors)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        """Sync resolvers."""
        try:
            return next_(source, info, **kwargs)
        except ServiceError as error:
            return self._refused(error, info)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        """Async resolvers."""
        try:
            return await next_(source, info, **kwargs)
        except ServiceError as error:
            return self._refused(error, info)


# -- GraphQL errors of execution ---------------------------------------------------------------

_VARIABLE = re.compile(r"^Variable '\$\w+'")
"""graphql-core's messages for variable values that do not fit their type."""


def should_mask(error: GraphQLError) -> bool:
    """Whether ``error`` is a bug (masked and logged) rather than the client's mistake."""
    original = error.original_error
    if original is None or isinstance(original, ServiceError | RequestError | GraphQLError):
        return False
    if is_busy(original):
        log.warning("database busy: %s", str(original).splitlines()[0])
        return False
    return not (error.path is None and _VARIABLE.match(error.message))


def _shaped(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
"""graphql-core's hints: fields, arguments, enum values, input fields, types, fragments."""


def without_suggestions(message: str) -> str:
    """``message`` without any "Did you mean …?" hint (production: no schema mapping by typo)."""
    return _SUGGESTION.sub("", message).strip()


def shape_errors(
    errors: list[GraphQLError], context: Any, *, strip_suggestions: bool = False
) -> None:
    """Give every GraphQL error of a result ``extensions.code`` and mask bugs, in place.

    Called by the schema's ``process_errors`` for every result with errors — also for those
    that end before execution (a syntax error raised by the parser cache never reaches an
    extension's ``on_operation``), and for each result of a subscription — after the bugs
    among them were logged with their traceback.
    """
    auth_error = getattr(context, "auth_error", None)
    shaped = [_shape(error, auth_error) for error in errors]
    if strip_suggestions:
        shaped = [
            _shaped(e, without_suggestions(e.message), dict(e.extensions or {}))
            if _SUGGESTION.search(e.message)
            else e
            for e in shaped
        ]
    errors[:] = shaped


def _shape(error: GraphQLError, auth_error: str | None) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ServiceError):
        return _service_error(error, original, auth_error)
    if isinstance(original, RequestError):
        return _shaped(error, original.message, {"code": original.code.value})
    if original is not None and is_busy(original):
        return _shaped(error, BUSY_MESSAGE, {"code": RequestErrorCode.SERVICE_UNAVAILABLE.value})
    if should_mask(error):
        return _shaped(
            error, MASKED_MESSAGE, {"code": RequestErrorCode.INTERNAL_SERVER_ERROR.value}
        )
    if error.extensions and "code" in error.extensions:
        return error
    if isinstance(error, GraphQLSyntaxError):
        code = RequestErrorCode.GRAPHQL_PARSE_FAILED
    elif error.path is not None:
        code = RequestErrorCode.BAD_REQUEST  # a resolver raised a bare GraphQLError
    elif _VARIABLE.match(error.message):
        code = RequestErrorCode.INVALID_VARIABLES
    else:
        code = RequestErrorCode.GRAPHQL_VALIDATION_FAILED
    return _shaped(error, error.message, {**(error.extensions or {}), "code": code.value})


def _service_error(
    error: GraphQLError, original: ServiceError, auth_error: str | None
) -> GraphQLError:
    problems = original.problems
    described = [(api_path(p.field), _message(p, auth_error), p.code.value) for p in problems]
    message = "; ".join(f"{'.'.join(f)}: {m}" if f else m for f, m, _ in described)
    extensions: dict[str, Any] = {"code": problems[0].code.value}
    if any(f for f, _, _ in described):
        extensions["problems"] = [
            {"field": f or None, "message": m, "code": c} for f, m, c in described
        ]
    return _shaped(error, message, extensions)
