"""Routes of the portal: sign in, browse requestable datasets, submit and follow requests,
download granted data, and the reviewer pages of the bureau and owning departments."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from access import audit, divisions, orgs, workflow
from access.clock import aware
from access.errors import AccessError, AuthenticationError, PermissionDenied, UnknownEntityError
from access.gateway import download, file_action
from access.portal import api, auth, browse, csrf, mapview, session, views
from access.portal.session import NotSignedIn, PasswordChangeRequired
from access.scope import (
    DatasetScope,
    Scope,
    column_titles,
    column_type,
    contracts,
    default_mask,
    loaded_contracts,
)
from contracts.masks import MASKS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Staff read Beijing time and division names, not UTC instants and codes.
TEMPLATES.env.filters["bj"] = lambda t: aware(t).astimezone(workflow.CHINA).strftime("%Y-%m-%d %H:%M")
TEMPLATES.env.globals["csrf_token"] = csrf.token
TEMPLATES.env.filters["division"] = lambda code: f"{divisions.path_name(code) or code}（{code}）"
views.install(TEMPLATES.env)


def _user(request: Request) -> dict[str, Any]:
    return session.current_user(request)


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", None)
    user = context["user"]
    # the bureau maintains the contracts: it is told which are broken (their datasets are hidden)
    problems = loaded_contracts().problems if user and user["org_kind"] == "bureau" else []
    waiting = len(_review_queue(user)) if user and user["org_kind"] in ("bureau", "department") else 0
    return TEMPLATES.TemplateResponse(request, name, {
        "masks": MASKS, "contract_problems": problems, "waiting": waiting, **context},
        status_code=status_code)


def _own_rows(user: dict[str, Any]) -> dict[str, str]:
    code = user.get("division_code")
    if user["org_kind"] == "street" and code:
        return {"street_code": code}
    if user["org_kind"] == "community" and code:
        return {"community_code": code}
    return {}


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                               " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from this portal's own pages: its Origin (or, when
    a browser sends none, its Referer) names this host. Login forms are covered too."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return False
    parts = urlsplit(claimed)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)


def may_see(user: dict[str, Any], req: dict[str, Any]) -> bool:
    """The bureau sees every request; a department those asking for its datasets; anyone else
    those of their own organization."""
    if user["org_kind"] == "bureau" or req["org_id"] == user["org_id"]:
        return True
    known = contracts()
    return user["org_kind"] == "department" and any(
        d in known and known[d].owner == user["department"] for d in req["requested"]["datasets"])


def _review_queue(user: dict[str, Any]) -> list[dict[str, Any]]:
    if user["org_kind"] == "bureau":
        return workflow.list_requests(workflow.Status.submitted)
    mine = []
    known = contracts()
    for r in workflow.list_requests(workflow.Status.reviewing):
        pending = [d for d in r["requested"]["datasets"]
                   if d in known and known[d].owner == user["department"] and d not in r["decisions"]]
        if pending:
            mine.append({**r, "pending": pending})
    return mine


def create_app() -> FastAPI:
    """The portal application."""
    app = FastAPI(title="数仓 数据申请门户", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf.check)])
    app.include_router(api.router)
    app.include_router(auth.router)
    app.include_router(mapview.install(_user, _page))

    @app.middleware("http")
    async def _guard(request: Request, call_next: Any) -> Response:
        if request.method not in SAFE_METHODS and not request.url.path.startswith("/api/") \
                and not same_origin(request):
            return HTMLResponse("<h1>请求来源不符</h1><p>请从本门户的页面提交表单。</p>",
                                status_code=403, headers=SECURITY_HEADERS)
        response: Response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(ValueError)
    @app.exception_handler(KeyError)
    async def _bad_input(request: Request, exc: Exception) -> Response:
        message = f"输入有误：{exc}" if isinstance(exc, ValueError) else f"输入有误：没有 {exc}"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "BadInput", "message": message}, status_code=400)
        return _page(request, "error.html", status_code=400, user=None,
                     error=views.error_view("BadInput", message))

    @app.exception_handler(NotSignedIn)
    async def _signin(request: Request, exc: NotSignedIn) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _change_password(request: Request, exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(AccessError)
    async def _refused(request: Request, exc: AccessError) -> Response:
        code = 403 if isinstance(exc, PermissionDenied | AuthenticationError) else 400
        if isinstance(exc, UnknownEntityError):
            code = 404
        if request.url.path.startswith("/api/"):
            code = 401 if isinstance(exc, AuthenticationError) else code
            return JSONResponse({"error": type(exc).__name__, "message": str(exc)},
                                status_code=code)
        user = None
        with contextlib.suppress(NotSignedIn):
            user = _user(request)
        return _page(request, "error.html", status_code=code, user=user,
                     error=views.error_view(type(exc).__name__, str(exc)))

    @app.post("/logout")
    def logout(request: Request) -> Response:
        session.end(request.cookies.get(session.COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(session.COOKIE)
        return resp

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, q: str = "", category: str = "", owner: str = "", grade: str = "",
             tier: str = "") -> HTMLResponse:
        user = _user(request)
        found = browse.browse(q, category=category, owner=owner, grade=grade, tier=tier)
        return _page(request, "catalog.html", user=user, found=found, own_rows=_own_rows(user))

    @app.get("/requests/new", response_class=HTMLResponse)
    def new_request(request: Request, dataset: Annotated[list[str], Query()]) -> HTMLResponse:
        user = _user(request)
        offered = {d["id"]: d for d in browse.requestable_datasets()}
        missing = [d for d in dataset if d not in offered]
        if missing:
            raise UnknownEntityError(f"没有可申请的数据集 {'、'.join(missing)}")
        today = dt.date.today()
        return _page(request, "request_new.html", user=user,
                     chosen=[offered[d] for d in dict.fromkeys(dataset)], own_rows=_own_rows(user),
                     start=today, end=today + dt.timedelta(days=90))

    @app.post("/requests")
    async def submit(request: Request) -> Response:
        """One request for every dataset of the form; a dataset's columns come as `columns:<id>`
        (or `columns` when the form names one dataset)."""
        user = _user(request)
        form = await request.form()
        names = [str(d) for d in form.getlist("dataset")]
        known = contracts()
        missing = [d for d in names if d not in known]
        if missing or not names:
            raise UnknownEntityError(f"没有数据集 {'、'.join(missing) or '（未选择）'}")
        single = len(names) == 1
        datasets = {}
        for name in names:
            picked = form.getlist(f"columns:{name}") or (form.getlist("columns") if single else [])
            datasets[name] = DatasetScope(
                columns={str(c): default_mask(known[name], str(c)) for c in picked},
                rows=_own_rows(user) if known[name].address else {})
        scope = Scope(datasets=datasets, start=dt.date.fromisoformat(str(form.get("start"))),
                      end=dt.date.fromisoformat(str(form.get("end"))))
        rid = workflow.submit(user["user_id"], str(form.get("purpose", "")),
                              str(form.get("scenario", "")), scope)
        return RedirectResponse(f"/requests/{rid}", status_code=303)

    @app.get("/requests", response_class=HTMLResponse)
    def my_requests(request: Request) -> HTMLResponse:
        user = _user(request)
        return _page(request, "requests.html", user=user,
                     requests=workflow.list_requests(org_id=user["org_id"]),
                     titles={c.id: c.title for c in contracts().values()})

    @app.get("/requests/{request_id}", response_class=HTMLResponse)
    def request_detail(request: Request, request_id: str) -> HTMLResponse:
        user = _user(request)
        req = workflow.show(request_id)
        if not may_see(user, req):
            raise PermissionDenied("只能查看本单位的申请，或本部门数据集的申请")
        return _page(request, "request_detail.html", user=user, req=req,
                     titles={c.id: c.title for c in contracts().values()},
                     ctitles={c.id: column_titles(c) for c in contracts().values()})

    @app.get("/grants/{grant_id}/download/{dataset}.{fmt}")
    def get_download(request: Request, grant_id: str, dataset: str, fmt: str,
                     header: str = "titles") -> Response:
        """CSV headers are the Chinese column titles unless `?header=ids`; Parquet keeps ids."""
        try:
            user = _user(request)
        except (NotSignedIn, PasswordChangeRequired):
            audit.record("anonymous", file_action(fmt), "refused",
                         grant_id=grant_id, statement=f"{dataset}.{fmt}",
                         reason="not signed in to the portal")
            raise
        known = contracts()
        titles = column_titles(known[dataset]) if header != "ids" and dataset in known else None
        body, name = download(grant_id, dataset, user["user_id"], fmt, titles)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/review", response_class=HTMLResponse)
    def review_queue(request: Request) -> HTMLResponse:
        user = _user(request)
        if user["org_kind"] not in ("bureau", "department"):
            raise PermissionDenied("审核页面仅供数据局和数源部门使用")
        communities = {}
        for r in workflow.list_requests(workflow.Status.reviewing):
            org = orgs.get_org(r["org_id"])
            code = org.get("division_code") or ""
            communities[r["request_id"]] = sorted(
                (c, n) for c, n in divisions.community_names().items()
                if code and c.startswith(code) and c != code)
        org_names = {o["org_id"]: o["name"] for o in orgs.list_orgs()}
        known, queue = contracts(), _review_queue(user)
        return _page(request, "review.html", user=user, queue=queue, org_names=org_names,
                     no_reviewer={r["request_id"]: [known[d].title for d in r["requested"]["datasets"]
                                                    if d in known
                                                    and not orgs.department_reviewers(known[d].owner)]
                                  for r in queue},
                     overdue={r["request_id"] for r in workflow.overdue()},
                     communities=communities, titles={c.id: c.title for c in contracts().values()},
                     ctitles={c.id: column_titles(c) for c in contracts().values()},
                     ctypes={c.id: {n: column_type(c, n) for n in column_titles(c)}
                             for c in contracts().values()})

    @app.post("/review/{request_id}/bureau")
    def bureau(request: Request, request_id: str, action: str = Form(...),
               reason: str = Form("")) -> Response:
        user = _user(request)
        workflow.bureau_review(request_id, user["user_id"], action == "pass", reason or None)
        return RedirectResponse("/review", status_code=303)

    @app.post("/review/{request_id}/decide")
    async def decide(request: Request, request_id: str) -> Response:
        user = _user(request)
        form = await request.form()
        action, dataset = str(form.get("action")), str(form.get("dataset"))
        reason = str(form.get("reason", "")) or None
        end = dt.date.fromisoformat(str(form["end"])) if form.get("end") else None
        granted = None
        if action == "narrowed":
            asked = Scope.model_validate(workflow.show(request_id)["requested"]).datasets[dataset]
            keep = {str(c) for c in form.getlist("columns")}
            community = str(form.get("community", ""))
            granted = DatasetScope(
                columns={c: str(form.get(f"mask:{c}") or "") or m
                         for c, m in asked.columns.items() if c in keep},
                rows={"community_code": community} if community else asked.rows)
        workflow.decide(request_id, user["user_id"], action, dataset=dataset, granted=granted,
                        end=end, reason=reason)
        return RedirectResponse("/review", status_code=303)

    return app
