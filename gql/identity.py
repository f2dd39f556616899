"""Sign-in through the company's identity provider: tokens signed with its keys (JWKS).

The provider (Keycloak, Azure AD, an in-house OIDC server, …) signs tokens with RS256 or
ES256 and publishes its public keys as a JWKS, at a URL or handed over as a file. A token is
accepted when its signature verifies with the key its ``kid`` names, its ``iss`` and ``aud``
are the configured ones and it has not expired; the configured claim then names the staff
number. As with our own tokens, role, department and whether the person is still active are
read from the database on every request.

Keys are fetched by pyjwt's ``PyJWKClient`` (cached for ``oidc_jwks_cache_s``; a token with
an unknown ``kid`` forces one refetch, at most once per ``oidc_jwks_cooldown_s``: that is how a
key rotation arrives). The fetch is blocking I/O with a deadline, so it runs in a worker
thread before the operation starts (:meth:`IdentityProvider.load_key`); verification itself
(:meth:`IdentityProvider.verify`) only reads the cache.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from jwt import PyJWK, PyJWKClient

from gql.auth import MAX_SUBJECT_CHARS, AuthError, TokenClaims, instant

if TYPE_CHECKING:
    from gql.settings import Settings

__all__ = ["IdentityProvider", "is_provider_token"]


def is_provider_token(token: str, algorithms: frozenset[str]) -> bool:
    """Whether the token's (unverified) header names one of the provider's algorithms."""
    try:
        return jwt.get_unverified_header(token).get("alg") in algorithms
    except jwt.PyJWTError:
        return False


class _FileJwksClient(PyJWKClient):
    """A JWKS handed over as a file: the same cache and refetch rules as a URL."""

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__("https://jwks-file.invalid/", **options)
        self.uri = path.as_uri()
        self._path = path

    def fetch_data(self) -> Any:
        """Read the file (again): a rotated key arrives by replacing the file."""
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise jwt.PyJWKClientConnectionError(f"cannot read the JWKS file: {exc}") from exc
        payload = self._as_jwk_set_payload(data)
        if self.jwk_set_cache is not None:
            self.jwk_set_cache.put(payload)
        self._last_successful_fetch = time.monotonic()
        return payload


class IdentityProvider:
    """Verifies the company identity provider's tokens against its published keys."""

    def __init__(
        self,
        *,
        jwks: str,
        issuer: str,
        audience: str,
        staff_claim: str = "sub",
        algorithms: frozenset[str] = frozenset({"RS256", "ES256"}),
        cache_s: float = 300.0,
        cooldown_s: float = 30.0,
        timeout_s: float = 5.0,
    ) -> None:
        options: dict[str, Any] = {
            "cache_jwk_set": True,
            "lifespan": cache_s,
            "timeout": timeout_s,
            "cooldown_duration": cooldown_s,
        }
        if jwks.startswith(("https://", "http://")):
            self._client: PyJWKClient = PyJWKClient(jwks, **options)
        else:
            self._client = _FileJwksClient(Path(jwks).expanduser(), **options)
        self.issuer = issuer
        self.audience = audience
        self.staff_claim = staff_claim
        self.algorithms = algorithms

    @classmethod
    def from_settings(cls, settings: Settings) -> IdentityProvider | None:
        """The configured provider, or ``None`` when ``oidc_jwks`` is not set."""
        if not settings.oidc_jwks.strip():
            return None
        return cls(
            jwks=settings.oidc_jwks.strip(),
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            staff_claim=settings.oidc_staff_claim,
            algorithms=frozenset(
                a.strip() for a in settings.oidc_algorithms.split(",") if a.strip()
            ),
            cache_s=settings.oidc_jwks_cache_s,
            cooldown_s=settings.oidc_jwks_cooldown_s,
            timeout_s=settings.oidc_jwks_timeout_s,
        )

    def accepts(self, token: str) -> bool:
        """Whether the token claims to be the provider's (by its algorithm)."""
        return is_provider_token(token, self.algorithms)

    def load_key(self, token: str) -> None:
        """Make sure the key the token names is cached: blocking I/O, run it in a thread.

        Raises
        ------
        AuthError
            The provider cannot be reached or knows no such key (after one refetch).
        """
        try:
            self._client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise AuthError("identity provider keys unavailable; try again") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("token signed with an unknown key") from exc

    def verify(self, token: str) -> TokenClaims:
        """Check signature, issuer, audience and expiry with a cached key; no I/O.

        Raises
        ------
        AuthError
            With a message a client can act on (never the token or a key).
        """
        key = self._cached_key(token)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=sorted(self.algorithms),
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["iss", "aud", "exp", "iat", self.staff_claim]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("token issued by someone else") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("token meant for another service") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        staff_no = claims[self.staff_claim]
        if not isinstance(staff_no, str) or not staff_no or len(staff_no) > MAX_SUBJECT_CHARS:
            raise AuthError(f"invalid token: {self.staff_claim} is not a staff number")
        return TokenClaims(
            staff_no=staff_no,
            issued_at=instant(claims["iat"], "iat"),
            expires_at=instant(claims["exp"], "exp"),
        )

    def _cached_key(self, token: str) -> PyJWK:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        cache = self._client.jwk_set_cache
        keys = None if cache is None else cache.get()
        for key in [] if keys is None else keys.keys:
            if key.key_id == kid and key.public_key_use in ("sig", None):
                return key
        raise AuthError("token signed with an unknown key")
