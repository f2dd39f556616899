import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from gql.auth import AuthError, decode_token, mint_token

SECRET = "s" * 40


def test_a_minted_token_decodes_to_its_staff_number() -> None:
    """Round trip: the token names the staff member and carries its expiry."""
    now = datetime.now(UTC)
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no="M001", ttl_s=60, now=now)
    claims = decode_token(token, secret=SECRET, issuer="visitgis")
    assert claims.staff_no == "M001"
    assert claims.expires_at - claims.issued_at == timedelta(seconds=60)


def test_expired_foreign_and_forged_tokens_are_refused() -> None:
    """Expiry, issuer and signature are all checked, each with its own message."""
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = mint_token(secret=SECRET, issuer="visitgis", staff_no="M1", ttl_s=60, now=past)
    with pytest.raises(AuthError, match="expired"):
        decode_token(expired, secret=SECRET, issuer="visitgis")
    foreign = mint_token(secret=SECRET, issuer="elsewhere", staff_no="M1", ttl_s=60)
    with pytest.raises(AuthError, match="issued by someone else"):
        decode_token(foreign, secret=SECRET, issuer="visitgis")
    forged = mint_token(secret="t" * 40, issuer="visitgis", staff_no="M1", ttl_s=60)
    with pytest.raises(AuthError, match="invalid token"):
        decode_token(forged, secret=SECRET, issuer="visitgis")
    with pytest.raises(AuthError):
        decode_token("not-a-jwt", secret=SECRET, issuer="visitgis")


def test_unsigned_tokens_are_refused() -> None:
    """The 'none' algorithm never authenticates anybody."""
    unsigned = jwt.encode(
        {"sub": "M1", "iss": "visitgis", "iat": 0, "exp": 2**31}, key=None, algorithm="none"
    )
    with pytest.raises(AuthError):
        decode_token(unsigned, secret=SECRET, issuer="visitgis")


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 1e20},
        {"exp": "2030-01-01"},
        {"iat": -1e15},
        {"iat": "yesterday"},
        {"exp": True},
        {"sub": 42},
        {"sub": "M" * 10_000},
    ],
)
def test_signed_tokens_with_absurd_claims_are_an_auth_error(claims: dict[str, object]) -> None:
    """A correctly signed token whose claims no datetime holds: AuthError, never a crash."""
    now = int(time.time())
    body = {"sub": "M001", "iss": "visitgis", "iat": now, "exp": now + 600, **claims}
    token = jwt.encode(body, SECRET, algorithm="HS256")
    with pytest.raises(AuthError):
        decode_token(token, secret=SECRET, issuer="visitgis")
