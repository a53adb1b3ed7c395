"""A tiny OpenID Connect provider for tests, served by a thread on the loopback address.

It answers what a real provider does for the authorisation code flow: discovery, the authorisation
endpoint (it signs in whoever the test says, at once, and sends the browser back with a code), the token
endpoint (client authentication, PKCE, an RS256-signed id_token) and its public keys. Authlib, in the
site, speaks the real protocol to it. A test makes it misbehave by `claims` overrides (another audience,
issuer or nonce) or by signing with a key it does not publish.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "portfolio-test-client"
CLIENT_SECRET = "test-client-secret-of-northgate"


@dataclass
class TinyProvider:
    """What the provider knows and how it is told to behave; `issuer` is filled once it listens."""

    issuer: str = ""
    email: str = ""
    email_verified: bool = True
    claims: dict[str, Any] = field(default_factory=dict)  # overrides of the id_token's claims
    sign_with_unknown_key: bool = False
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, grant: dict[str, str]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "sub": "subject-" + self.email, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
            "nonce": grant.get("nonce", ""), "email": self.email, "email_verified": self.email_verified,
        }
        claims.update(self.claims)
        claims = {name: value for name, value in claims.items() if value is not None}
        key = self.other_key if self.sign_with_unknown_key else self.key
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)


class ProviderHandler(BaseHTTPRequestHandler):
    """The provider's HTTP endpoints; `provider` is set on a subclass per running provider."""

    provider: TinyProvider

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def _json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        url = urlsplit(self.path)
        pages = {"/.well-known/openid-configuration": self._discovery, "/jwks": self._jwks,
                 "/authorize": self._authorize}
        if url.path in pages:
            pages[url.path](url.query)
        else:
            self._json({"error": "not_found"}, 404)

    def _discovery(self, query: str) -> None:
        issuer = self.provider.issuer
        self._json({
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        })

    def _jwks(self, query: str) -> None:
        self._json(dict(KeySet([self.provider.key]).as_dict(private=False)))

    def _authorize(self, query: str) -> None:
        params = {name: values[0] for name, values in parse_qs(query).items()}
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            self._json({"error": "invalid_request"}, 400)
            return
        code = secrets.token_urlsafe(16)
        self.provider.codes[code] = params
        back = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params.get("state", "")})
        self.send_response(302)
        self.send_header("Location", back)
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        self.provider.token_requests += 1
        length = int(self.headers.get("Content-Length", 0))
        form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/token":
            self._json({"error": "not_found"}, 404)
            return
        grant = self.provider.codes.pop(form.get("code", ""), None)
        if (grant is None or not self._client_authenticated(form) or not self._pkce_holds(grant, form)
                or form.get("redirect_uri") != grant.get("redirect_uri")):
            self._json({"error": "invalid_grant"}, 400)
            return
        self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                    "id_token": self.provider.id_token(grant)})

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _colon, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return (client_id, secret) == (CLIENT_ID, CLIENT_SECRET)

    @staticmethod
    def _pkce_holds(grant: dict[str, str], form: dict[str, str]) -> bool:
        challenge = grant.get("code_challenge")
        if not challenge:
            return True
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


@contextmanager
def running_provider() -> Iterator[TinyProvider]:
    """A provider listening on a free loopback port for the duration of the block."""
    provider = TinyProvider()
    handler = type("Handler", (ProviderHandler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
