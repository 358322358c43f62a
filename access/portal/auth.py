"""Sign-in routes of the portal: password accounts (the bureau creates and resets them, the
person sets their own password at first sign-in), the city's OpenID Connect provider, a
person's token as a fallback, and the bureau's account pages. App tokens never sign in here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from access import accounts, orgs, throttle, workflow
from access.errors import AuthenticationError, OrganizationError, PermissionDenied
from access.portal import csrf, oidc, session

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["csrf_token"] = csrf.token
ROLE_ZH = {"requester": "申请人", "reviewer": "审核人", "analyst": "分析人员", "admin": "管理员"}
ACCOUNT_ADMINS = ("reviewer", "admin")  # roles of the bureau that manage accounts
USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,63}")

router = APIRouter()


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", None)
    return TEMPLATES.TemplateResponse(request, name, {"role_zh": ROLE_ZH, **context},
                                      status_code=status_code)


def _login_page(request: Request, error: str | None = None, status_code: int = 200,
                username: str = "") -> HTMLResponse:
    presession = request.cookies.get(session.PRESESSION) or csrf.new_presession()
    response = _page(request, "login.html", status_code=status_code, error=error,
                     username=username, oidc=oidc.enabled(),
                     form_token=csrf.token(request, presession))
    if presession != request.cookies.get(session.PRESESSION):
        _keep_presession(response, request, presession)
    return response


def _keep_presession(response: Response, request: Request, presession: str) -> None:
    # Lax, not Strict: the identity provider's redirect back is a cross-site navigation
    response.set_cookie(session.PRESESSION, presession, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def _bureau_admin(request: Request) -> dict[str, Any]:
    user = session.current_user(request)
    if user["org_kind"] != "bureau" or user["role"] not in ACCOUNT_ADMINS:
        raise PermissionDenied("账号管理仅供数据资源管理局的审核人和管理员使用")
    return user


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The sign-in form: user name and password, the city's sign-in, or a person's token."""
    return _login_page(request)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""),
          token: str = Form("")) -> Response:
    """Sign in with a password (or a person's token); a temporary password leads to the change
    form. A failure shows the form again with one message for every cause; an address with too
    many recent failures is refused before anything is checked (429)."""
    client = request.client.host if request.client else None
    try:
        throttle.check(client)
    except throttle.SignInThrottled as e:
        return _login_page(request, str(e), status_code=429, username=username.strip())
    try:
        if token.strip():
            user = orgs.authenticate(token.strip())
            if user["org_kind"] == "app" or user["token_grants"] is not None:
                raise AuthenticationError("应用的令牌只用于数据接口（/api），不能登录门户")
            token_id: str | None = user["token_id"]
        else:
            user, token_id = accounts.sign_in(username.strip(), password), None
    except AuthenticationError as e:
        throttle.failed(client)
        return _login_page(request, str(e), status_code=401, username=username.strip())
    if user["org_kind"] == "app":
        return _login_page(request, "应用账号不能登录门户", status_code=401)
    target = "/password" if accounts.must_change(user["user_id"]) else "/"
    return session.open_for(RedirectResponse(target, status_code=303), request,
                            user["user_id"], token_id)


@router.get("/login/oidc")
async def oidc_start(request: Request) -> Response:
    """Hand the browser to the city's identity provider."""
    if not oidc.enabled():
        return _login_page(request, "未配置统一身份认证，请使用账号密码登录", status_code=404)
    presession = request.cookies.get(session.PRESESSION) or csrf.new_presession()
    url = await oidc.begin(request, presession, str(request.url_for("oidc_callback")))
    response = RedirectResponse(url, status_code=303)
    _keep_presession(response, request, presession)
    return response


@router.get("/login/oidc/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    """The provider's redirect back: checks it and opens a session."""
    try:
        user_id = await oidc.finish(request, request.cookies.get(session.PRESESSION))
    except AuthenticationError as e:
        return _login_page(request, str(e), status_code=401)
    # a page, not a redirect: the SameSite=Strict session cookie is then sent by a same-site
    # navigation instead of the tail of the provider's cross-site redirect chain
    return session.open_for(_page(request, "signed_in.html"), request, user_id)


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request) -> HTMLResponse:
    """The form to set one's own password (required after a create or reset)."""
    user = session.current_user(request, pending_change=True)
    return _page(request, "password.html", user=user,
                 forced=accounts.must_change(user["user_id"]),
                 has_password=accounts.has_password(user["user_id"]))


@router.post("/password")
def change_password(request: Request, current: str = Form(...), new: str = Form(...),
                    repeat: str = Form(...)) -> Response:
    """Set a new password; the form again with the reason when it is refused."""
    user = session.current_user(request, pending_change=True)
    forced = accounts.must_change(user["user_id"])
    if new != repeat:
        return _page(request, "password.html", status_code=400, user=user, forced=forced,
                     has_password=True, error="两次输入的新密码不一致")
    try:
        accounts.change_password(user["user_id"], current, new)
    except (AuthenticationError, ValueError) as e:
        error = "当前密码不正确" if isinstance(e, AuthenticationError) else str(e)
        return _page(request, "password.html", status_code=400, user=user, forced=forced,
                     has_password=True, error=error)
    return RedirectResponse("/", status_code=303)


@router.get("/accounts", response_class=HTMLResponse)
def account_list(request: Request) -> HTMLResponse:
    """The bureau's list of people and their accounts, with create and reset."""
    user = _bureau_admin(request)
    kinds = {o["org_id"]: o["kind"] for o in orgs.list_orgs()}
    everyone = orgs.list_users()
    live = [{**g, "holders": [u for u in everyone if u["org_id"] == g["org_id"]]}
            for g in workflow.list_grants(workflow.Status.active)]
    return _page(request, "accounts.html", user=user, accounts=accounts.list_accounts(),
                 people=[u for u in everyone if kinds[u["org_id"]] != "app"], grants=live,
                 orgs=[o for o in orgs.list_orgs() if o["kind"] != "app"])


@router.post("/accounts")
def account_create(request: Request, user_id: str = Form(...), name: str = Form(...),
                   org_id: str = Form(...), role: str = Form("requester")) -> HTMLResponse:
    """Create a person of an organization with a temporary password (shown once)."""
    admin = _bureau_admin(request)
    user_id, name = user_id.strip(), name.strip()
    if not USER_ID.fullmatch(user_id) or not name:
        raise OrganizationError("用户名须为 2-64 个字母、数字或 . _ -（以字母或数字开头），姓名不能为空")
    if orgs.get_org(org_id)["kind"] == "app":
        raise PermissionDenied("应用的账号用令牌（shucang tokens issue --grant），不设密码")
    orgs.create_user(user_id, name, org_id, role)
    return _page(request, "account_secret.html", user=admin, person=orgs.get_user(user_id),
                 temporary=accounts.issue_temporary_password(user_id), created=True)


@router.post("/accounts/token")
async def app_token(request: Request) -> HTMLResponse:
    """Issue a token bound to the chosen live grants, owned by a user of their organization
    (shown once): an app reads those grants with it through the read-only API, and it signs in
    nowhere."""
    admin = _bureau_admin(request)
    form = await request.form()
    user_id, grant_ids = str(form.get("user_id") or ""), [str(g) for g in form.getlist("grant")]
    if not grant_ids:
        raise OrganizationError("请选择令牌可读取的授予（至少一个）")
    days = int(str(form.get("days") or 365))
    if not 1 <= days <= 366:
        raise OrganizationError("令牌有效期须为 1-366 天")
    return _page(request, "account_secret.html", user=admin, person=orgs.get_user(user_id),
                 temporary=orgs.issue_token(user_id, days, grant_ids), token=True)


@router.post("/accounts/{user_id}/reset")
def account_reset(request: Request, user_id: str) -> HTMLResponse:
    """Reset a person's password to a temporary one (shown once); their sessions end."""
    admin = _bureau_admin(request)
    person = orgs.get_user(user_id)
    if person["org_kind"] == "app":
        raise PermissionDenied("应用的账号用令牌，不设密码")
    return _page(request, "account_secret.html", user=admin, person=person,
                 temporary=accounts.issue_temporary_password(user_id), created=False)
