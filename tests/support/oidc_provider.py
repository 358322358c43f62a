"""A small OpenID Connect provider for the sign-in tests, served over real HTTP on 127.0.0.1:
discovery document, JWKS, an authorization endpoint that signs in a chosen person at once, and
a token endpoint that checks the client secret, the redirect URI and the PKCE verifier and
returns an RS256 id_token. `mode` makes it misbehave the way a forged or broken provider would."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID, CLIENT_SECRET = "shucang-portal", "s3cret-for-tests-only"
MODES = ("ok", "forged", "expired", "wrong_nonce", "no_nonce", "wrong_audience", "wrong_issuer",
         "alg_none", "hs256_public_key", "not_yet_valid")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Provider:
    """The provider's state: its signing key, who signs in next, how it misbehaves, and the
    pending codes it issued."""

    issuer: str = ""
    person: str = "chen"
    claim: str = "preferred_username"
    mode: str = "ok"
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, nonce: str) -> str:
        """The id_token for the next sign-in, spoiled as `mode` says."""
        t = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": f"sub-{self.person}", "aud": CLIENT_ID,
                                  "iat": t, "exp": t + 300, "nonce": nonce, self.claim: self.person}
        if self.mode == "expired":
            claims.update(iat=t - 3600, exp=t - 1800)
        elif self.mode == "not_yet_valid":
            claims.update(iat=t + 3600, nbf=t + 3600, exp=t + 7200)
        elif self.mode == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif self.mode == "no_nonce":
            del claims["nonce"]
        elif self.mode == "wrong_audience":
            claims["aud"] = "another-client"
        elif self.mode == "wrong_issuer":
            claims["iss"] = "https://idp.evil.example"
        if self.mode == "alg_none":
            head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return f"{head}.{_b64(json.dumps(claims).encode())}."
        if self.mode == "hs256_public_key":  # the classic key confusion: HMAC keyed by the public key
            head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
            body = f"{head}.{_b64(json.dumps(claims).encode())}"
            public = self.key.as_pem(private=False)
            return f"{body}.{_b64(hmac.new(public, body.encode(), hashlib.sha256).digest())}"
        key = RSAKey.generate_key(2048, parameters={"kid": "k1"}) if self.mode == "forged" else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def provider_app(p: Provider) -> FastAPI:
    """The provider's HTTP endpoints."""
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        return JSONResponse({
            "issuer": p.issuer, "authorization_endpoint": f"{p.issuer}/authorize",
            "token_endpoint": f"{p.issuer}/token", "jwks_uri": f"{p.issuer}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

    @app.get("/jwks")
    def jwks() -> Response:
        return JSONResponse(KeySet([p.key]).as_dict(private=False))

    @app.get("/authorize")
    def authorize(request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code" \
                or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        p.codes[code] = {"redirect_uri": q["redirect_uri"], "challenge": q["code_challenge"],
                         "nonce": q.get("nonce", "")}
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}",
                                status_code=302)

    @app.post("/token")
    def token(request: Request, grant_type: str = Form(...), code: str = Form(...),
              redirect_uri: str = Form(...), code_verifier: str = Form(""),
              client_id: str = Form(""), client_secret: str = Form("")) -> Response:
        p.token_requests += 1
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        pending = p.codes.pop(code, None)
        challenge = _b64(hashlib.sha256(code_verifier.encode()).digest())
        if grant_type != "authorization_code" or pending is None \
                or pending["redirect_uri"] != redirect_uri or pending["challenge"] != challenge:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": p.id_token(pending["nonce"])})

    return app


@contextlib.contextmanager
def serve_provider() -> Iterator[Provider]:
    """A provider on a free port of 127.0.0.1 for the duration of the block."""
    p = Provider()
    server = uvicorn.Server(uvicorn.Config(provider_app(p), host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test OIDC provider did not start"
    p.issuer = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        yield p
    finally:
        server.should_exit = True
        thread.join(timeout=10)
