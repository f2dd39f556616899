"""Sign-in with the company identity provider's tokens (RS256/ES256 against its JWKS).

Keys are generated in the test; the JWKS is a file, or served over HTTP by a local server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from gql.auth import AuthError, decode_token
from gql.identity import IdentityProvider
from gql.settings import SettingsError, load_settings
from tests.gql.conftest import DemoPeople
from tests.gql.http_app import app_client, app_settings

ISSUER = "https://sso.example-tobacco.cn/realms/staff"
AUDIENCE = "visitgis"
SECRET = "k7Vx2LmR9pTzK4wN8bYc1HfJ6sDg3Ae5Uo0iPkWq"

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ec() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _jwk(kid: str, key: Key) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk["alg"] = "RS256"
    else:
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
        jwk["alg"] = "ES256"
    return jwk | {"kid": kid, "use": "sig"}


def _jwks(**keys: Key) -> str:
    return json.dumps({"keys": [_jwk(kid, key) for kid, key in keys.items()]})


def _token(
    key: Key, kid: str, *, staff_no: str = "W0010", claim: str = "employee_id", **over: Any
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "a1b2c3-opaque-user-id",
        claim: staff_no,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
    }
    claims.update(over)
    algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def _provider(jwks: str, **options: Any) -> IdentityProvider:
    return IdentityProvider(
        jwks=jwks, issuer=ISSUER, audience=AUDIENCE, staff_claim="employee_id", **options
    )


def _verify(provider: IdentityProvider, token: str) -> str:
    provider.load_key(token)
    return provider.verify(token).staff_no


def test_rs256_and_es256_tokens_name_the_staff_number_by_the_configured_claim(
    tmp_path: Path,
) -> None:
    """Both algorithms verify against the file's keys; the staff number is `employee_id`."""
    rsa_key, ec_key = _rsa(), _ec()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(_jwks(r1=rsa_key, e1=ec_key), encoding="utf-8")
    provider = _provider(str(jwks))
    assert _verify(provider, _token(rsa_key, "r1", staff_no="W0010")) == "W0010"
    assert _verify(provider, _token(ec_key, "e1", staff_no="W0011")) == "W0011"


def test_foreign_expired_misaddressed_and_forged_tokens_are_refused(tmp_path: Path) -> None:
    """Issuer, audience, expiry, the staff claim and the signature are each checked."""
    key, stranger = _rsa(), _rsa()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(_jwks(r1=key), encoding="utf-8")
    provider = _provider(str(jwks), cooldown_s=0.0)
    cases = {
        "issued by someone else": _token(key, "r1", iss="https://evil.example"),
        "another service": _token(key, "r1", aud="payroll"),
        "expired": _token(key, "r1", exp=int(datetime.now(UTC).timestamp()) - 3600),
        "invalid token": _token(key, "r1", claim="name"),  # no employee_id claim
    }
    for reason, token in cases.items():
        with pytest.raises(AuthError, match=reason):
            _verify(provider, token)
    with pytest.raises(AuthError, match="invalid token"):
        _verify(provider, _token(stranger, "r1"))  # right kid, wrong private key
    with pytest.raises(AuthError, match="unknown key"):
        _verify(provider, _token(stranger, "r9"))


def test_a_public_key_used_as_an_hs256_secret_signs_nothing(tmp_path: Path) -> None:
    """Algorithm confusion: HS256 tokens never reach the provider, and our secret rejects them."""
    key = _rsa()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(_jwks(r1=key), encoding="utf-8")
    provider = _provider(str(jwks))
    forged = jwt.encode(
        {"sub": "W0010", "iss": "visitgis", "iat": 0, "exp": 2**31},
        "not-the-public-key-but-any-hmac-secret-000",
        algorithm="HS256",
        headers={"kid": "r1"},
    )
    assert not provider.accepts(forged)
    with pytest.raises(AuthError):
        decode_token(forged, secret=SECRET, issuer="visitgis")


def test_a_rotated_key_is_fetched_once_the_cooldown_allows(tmp_path: Path) -> None:
    """A token with a new kid forces one refetch; within the cooldown it is refused instead."""
    old, new = _rsa(), _rsa()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(_jwks(r1=old), encoding="utf-8")
    patient = _provider(str(jwks), cooldown_s=3600.0)
    eager = _provider(str(jwks), cooldown_s=0.0)
    assert _verify(patient, _token(old, "r1")) == "W0010"
    assert _verify(eager, _token(old, "r1")) == "W0010"
    jwks.write_text(_jwks(r2=new), encoding="utf-8")  # the provider rotated its key
    assert _verify(eager, _token(new, "r2")) == "W0010"
    with pytest.raises(AuthError, match="unknown key"):
        _verify(patient, _token(new, "r2"))
    with pytest.raises(AuthError, match="unknown key"):
        _verify(eager, _token(old, "r1"))  # the retired key is gone after the refetch


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """A JWKS endpoint on 127.0.0.1 that counts its fetches; ``state['body']`` is served."""
    state: dict[str, Any] = {"body": "{}", "fetches": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state["fetches"] += 1
            body = state["body"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_keys_from_a_url_are_cached_between_sign_ins(
    jwks_server: tuple[str, dict[str, Any]],
) -> None:
    """Many tokens, one fetch: the set is cached for `oidc_jwks_cache_s`."""
    url, state = jwks_server
    key = _ec()
    state["body"] = _jwks(e1=key)
    provider = _provider(url)
    for staff_no in ("W0010", "W0011", "W0012"):
        assert _verify(provider, _token(key, "e1", staff_no=staff_no)) == staff_no
    assert state["fetches"] == 1


def test_an_unreachable_provider_is_a_refusal_not_a_crash() -> None:
    """Nothing listens: the caller hears the keys are unavailable, within the deadline."""
    provider = _provider("http://127.0.0.1:9/jwks", timeout_s=1.0)
    key = _rsa()
    with pytest.raises(AuthError, match="unavailable"):
        _verify(provider, _token(key, "r1"))


def test_settings_insist_on_issuer_audience_and_a_usable_source(tmp_path: Path) -> None:
    """oidc_jwks without issuer/audience, a missing file, http in production: each named."""
    with pytest.raises(SettingsError) as caught:
        load_settings({"VISITGIS_OIDC_JWKS": str(tmp_path / "missing.json")})
    text = "\n".join(caught.value.problems)
    assert "oidc_issuer must be set" in text
    assert "oidc_audience must be set" in text
    assert "does not exist" in text
    with pytest.raises(SettingsError) as clear:
        load_settings(
            {
                "VISITGIS_MODE": "production",
                "VISITGIS_JWT_SECRET": SECRET,
                "VISITGIS_OIDC_JWKS": "http://sso.example/jwks",
                "VISITGIS_OIDC_ISSUER": ISSUER,
                "VISITGIS_OIDC_AUDIENCE": AUDIENCE,
            }
        )
    assert any("https" in p for p in clear.value.problems)


def test_the_service_signs_in_a_provider_token_and_reads_the_role_from_the_database(
    demo_engine: sa.Engine, people: DemoPeople, tmp_path: Path
) -> None:
    """Over HTTP: a JWKS-signed token names a staff member whose role comes from the store;
    a token signed with a key the provider never published is refused with the reason."""
    key = _rsa()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(_jwks(r1=key), encoding="utf-8")
    settings = app_settings(
        demo_engine,
        SECRET,
        oidc_jwks=str(jwks),
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_staff_claim="employee_id",
    )
    query = {"query": "{ viewer { role staff { staffNo } } }"}
    for client in app_client(settings):
        good = client.post(
            "/graphql",
            json=query,
            headers={"Authorization": f"Bearer {_token(key, 'r1', staff_no=people.head)}"},
        ).json()
        assert good["data"]["viewer"] == {
            "role": "DEPARTMENT_HEAD",
            "staff": {"staffNo": people.head},
        }
        stranger = _token(_rsa(), "r7", staff_no=people.admin)
        refused = client.post(
            "/graphql", json=query, headers={"Authorization": f"Bearer {stranger}"}
        ).json()
        assert refused["data"] is None or refused["data"]["viewer"] is None
        (error,) = refused["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "unknown key" in error["message"]
