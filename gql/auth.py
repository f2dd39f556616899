"""Bearer tokens: who is calling.

A token only authenticates (``sub`` = staff number). Role, department and whether the person is
still active are read from the database on every request, so a transfer or a dismissal takes
effect at once instead of when the token expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

__all__ = [
    "MAX_SUBJECT_CHARS",
    "AuthError",
    "TokenClaims",
    "decode_token",
    "instant",
    "mint_token",
]

_ALGORITHM = "HS256"
MAX_SUBJECT_CHARS = 64
_EARLIEST_S = 0.0  # 1970: no token of ours was issued before
_LATEST_S = 4_102_444_800.0  # 2100-01-01: far beyond any token lifetime


class AuthError(Exception):
    """The bearer token is missing, malformed, expired or not ours."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says."""

    staff_no: str
    issued_at: datetime
    expires_at: datetime


def mint_token(
    *, secret: str, issuer: str, staff_no: str, ttl_s: int, now: datetime | None = None
) -> str:
    """Sign a token for ``staff_no`` valid for ``ttl_s`` seconds."""
    issued = now or datetime.now(UTC)
    claims = {
        "sub": staff_no,
        "iss": issuer,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=ttl_s)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def decode_token(token: str, *, secret: str, issuer: str) -> TokenClaims:
    """Verify signature, issuer and expiry.

    Raises
    ------
    AuthError
        With a message a client can act on (never the secret or the token).
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            issuer=issuer,
            options={"require": ["sub", "iss", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token expired") from exc
    except jwt.InvalidIssuerError as exc:
        raise AuthError("token issued by someone else") from exc
    except jwt.PyJWTError as exc:
        raise AuthError("invalid token") from exc
    staff_no = claims["sub"]
    if not isinstance(staff_no, str) or not staff_no or len(staff_no) > MAX_SUBJECT_CHARS:
        raise AuthError("invalid token subject")
    return TokenClaims(
        staff_no=staff_no,
        issued_at=instant(claims["iat"], "iat"),
        expires_at=instant(claims["exp"], "exp"),
    )


def instant(value: object, name: str) -> datetime:
    """A NumericDate claim as a time; absurd types and values are an invalid token, not a crash.

    PyJWT compares ``exp = 1e20`` or ``iat = -1e15`` happily, but no datetime holds them.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthError(f"invalid token: {name} is not a number")
    if not _EARLIEST_S <= value <= _LATEST_S:
        raise AuthError(f"invalid token: {name} is out of range")
    return datetime.fromtimestamp(value, UTC)
