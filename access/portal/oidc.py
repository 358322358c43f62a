"""Sign-in through the city's OpenID Connect identity provider (Authlib's client): the
authorization code flow with state, nonce and PKCE (S256), the pending sign-in kept on the
server and bound to the browser's pre-session, the id_token's RS256/ES256 signature checked
against the provider's JWKS and its issuer, audience, expiry and nonce validated. The person is
the portal user whose id is the SHUCANG_OIDC_CLAIM claim."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import Request
from joserfc.errors import JoseError
from sqlalchemy import delete, insert, select

from access import orgs
from access.clock import aware, now
from access.db import engine
from access.errors import SignInError, UnknownEntityError
from access.models import oidc_logins
from foundation import settings as config

PENDING = dt.timedelta(minutes=10)  # how long the provider's sign-in page may take
SCOPE = "openid profile"


def enabled() -> bool:
    """Whether an identity provider is configured (issuer and client id set)."""
    return bool(config.value("SHUCANG_OIDC_ISSUER") and config.value("SHUCANG_OIDC_CLIENT_ID"))


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, secret: str | None) -> StarletteOAuth2App:
    oauth = OAuth()
    return oauth.register(  # type: ignore[no-any-return]
        "city", client_id=client_id, client_secret=secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10})


async def _provider() -> StarletteOAuth2App:
    issuer = str(config.value("SHUCANG_OIDC_ISSUER") or "")
    client = _client(issuer, str(config.value("SHUCANG_OIDC_CLIENT_ID")),
                     config.value("SHUCANG_OIDC_CLIENT_SECRET"))
    try:
        metadata = await client.load_server_metadata()
    except Exception as e:  # the provider is down or answers garbage: a refusal, not a 500
        _client.cache_clear()
        raise SignInError(f"统一身份认证服务暂不可用：{type(e).__name__}") from None
    if str(metadata.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        _client.cache_clear()
        raise SignInError("统一身份认证服务的发现文档声明的签发方与配置不符")
    return client


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def begin(request: Request, presession: str, redirect_uri: str) -> str:
    """The provider's authorization URL for this browser; the state, nonce and PKCE verifier
    are kept on the server for PENDING, bound to `presession`."""
    client = await _provider()
    rv = await client.create_authorization_url(redirect_uri)
    with engine().begin() as c:
        c.execute(delete(oidc_logins).where(oidc_logins.c.expires_at < now()))
        c.execute(insert(oidc_logins).values(
            state_sha256=_digest(rv["state"]), presession_sha256=_digest(presession),
            nonce=rv["nonce"], code_verifier=rv["code_verifier"], redirect_uri=redirect_uri,
            expires_at=now() + PENDING))
    return str(rv["url"])


def _take_pending(state: str, presession: str | None) -> dict[str, Any]:
    with engine().begin() as c:
        row = c.execute(select(oidc_logins).where(
            oidc_logins.c.state_sha256 == _digest(state))).mappings().first()
        if row is None:
            raise SignInError("登录请求无效或已使用过（state 不符），请重新登录")
        c.execute(delete(oidc_logins).where(oidc_logins.c.state_sha256 == row["state_sha256"]))
    if presession is None or _digest(presession) != row["presession_sha256"]:
        raise SignInError("登录请求不是从本浏览器发起的，请重新登录")
    if aware(row["expires_at"]) <= now():
        raise SignInError("登录请求已超时，请重新登录")
    return dict(row)


async def finish(request: Request, presession: str | None) -> str:
    """The user id of the person the provider signed in, from the callback's code; SignInError
    for a provider error, a foreign or reused state, an invalid id_token or no such user."""
    params = request.query_params
    if params.get("error"):
        raise SignInError(f"统一身份认证未通过：{params.get('error_description') or params['error']}")
    if not params.get("state") or not params.get("code"):
        raise SignInError("统一身份认证的回调缺少 state 或 code")
    pending = _take_pending(params["state"], presession)
    client = await _provider()
    try:
        token = await client.fetch_access_token(
            redirect_uri=pending["redirect_uri"], code=params["code"],
            code_verifier=pending["code_verifier"])
        if "id_token" not in token:
            raise SignInError("统一身份认证服务没有返回 id_token")
        claims = await client.parse_id_token(token, nonce=pending["nonce"], leeway=60)
    except (OAuthError, JoseError, ValueError) as e:
        raise SignInError(f"身份令牌（id_token）无效：{type(e).__name__} {e}") from None
    claim = str(config.value("SHUCANG_OIDC_CLAIM"))
    user_id = claims.get(claim)
    if not isinstance(user_id, str) or not user_id:
        raise SignInError(f"身份令牌中没有 {claim}，无法对应到门户账号")
    try:
        user = orgs.get_user(user_id)
    except UnknownEntityError:
        raise SignInError(f"统一身份认证账号 {user_id} 没有对应的门户用户，"
                          "请联系数据资源管理局开通") from None
    if user["org_kind"] == "app":
        raise SignInError("应用账号不能登录门户")
    return user_id
