"""The token-authenticated JSON/file API for downstream apps (parking guidance, time bank,
cockpit): list their grants, read a grant's signed manifest, download its datasets, run gateway
queries. `Authorization: Bearer sct_...`. Decisions are access.gateway's; this is only HTTP."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from access import audit, orgs, workflow
from access.artifacts import verified_manifest
from access.errors import AuthenticationError, PermissionDenied
from access.gateway import authenticated, download, file_action, query

router = APIRouter(prefix="/api")


class QueryBody(BaseModel):
    """The body of a query request: one SELECT."""

    sql: str


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("send the app token as `Authorization: Bearer sct_...`")
    return token.strip()


def app_user(request: Request) -> dict[str, Any]:
    """The user of the bearer token; AuthenticationError without a valid one."""
    return orgs.authenticate(_bearer(request))


def data_user(request: Request, action: str, grant_id: str) -> str:
    """The bearer token's user id for reading a grant's data (a missing or failed token is
    audited)."""
    try:
        secret = _bearer(request)
    except AuthenticationError as e:
        audit.record("anonymous", action, "refused", grant_id=grant_id, reason=str(e))
        raise
    return authenticated(secret, action, grant_id)


def _json(value: Any) -> Response:
    return Response(json.dumps(value, ensure_ascii=False, default=str),
                    media_type="application/json")


@router.get("/grants")
def grants(request: Request) -> Response:
    """The live grants of the token's organization (an app token: those it is bound to)."""
    user = app_user(request)
    bound = user["token_grants"]
    return _json([{k: g[k] for k in ("grant_id", "purpose", "granted", "valid_from", "valid_to")}
                  for g in workflow.list_grants(workflow.Status.active, user["org_id"])
                  if bound is None or g["grant_id"] in bound])


@router.get("/grants/{grant_id}/manifest")
def manifest(request: Request, grant_id: str) -> Response:
    """The verified, signed manifest of one of the organization's live grants."""
    user = app_user(request)
    if workflow.get_grant(grant_id)["org_id"] != user["org_id"]:
        raise PermissionDenied(f"grant {grant_id} does not belong to {user['org_id']}")
    if user["token_grants"] is not None and grant_id not in user["token_grants"]:
        raise PermissionDenied(f"this token is bound to {', '.join(user['token_grants'])}")
    return _json(verified_manifest(grant_id))


@router.get("/grants/{grant_id}/{dataset}.{fmt}")
def dataset_file(request: Request, grant_id: str, dataset: str, fmt: str) -> Response:
    """A granted dataset as Parquet or CSV (audited)."""
    body, name = download(grant_id, dataset, data_user(request, file_action(fmt), grant_id), fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/grants/{grant_id}/query")
def run_query(request: Request, grant_id: str, body: QueryBody) -> Response:
    """One SELECT through the gateway (audited); rows as JSON objects."""
    result = query(grant_id, body.sql, data_user(request, "query", grant_id))
    return _json({"columns": result.table.column_names, "rows": result.table.to_pylist(),
                  "rewritten": result.rewritten.sql})
