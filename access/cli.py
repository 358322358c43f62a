"""Command groups of the access package: `shucang orgs|users|tokens|requests|grants|query|portal`.
Thin: parses options, calls access.* functions, prints; refusals exit non-zero with the reason."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from access.errors import (
    AccessError,
    ArtifactIntegrityError,
    AuthenticationError,
    ClassificationError,
    GrantNotActiveError,
    PermissionDenied,
    QueryRefused,
)

F = TypeVar("F", bound=Callable[..., Any])
REFUSALS = (QueryRefused, GrantNotActiveError, PermissionDenied, ClassificationError,
            AuthenticationError, ArtifactIntegrityError)
EXIT_REFUSED, EXIT_FAILED = 3, 1


class AccessCommandError(click.ClickException):
    """An AccessError surfaced on the command line: refusals exit 3, other failures 1."""

    exit_code = EXIT_FAILED

    def __init__(self, error: AccessError) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        if isinstance(error, REFUSALS):
            self.exit_code = EXIT_REFUSED  # type: ignore[misc]  # click reads it per instance


def _reports(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AccessError as e:
            raise AccessCommandError(e) from None

    return wrapper  # type: ignore[return-value]


def _actor(user: str | None, token: str | None) -> str:
    """The acting user: --token/SHUCANG_TOKEN (an app token) wins over --as/SHUCANG_USER."""
    from access.orgs import authenticate

    if token:
        return str(authenticate(token)["user_id"])
    if user:
        return user
    raise click.UsageError("say who acts: --as USER (or SHUCANG_USER) or --token (SHUCANG_TOKEN)")


def _identity(fn: F) -> F:
    fn = click.option("--token", envvar="SHUCANG_TOKEN", help="app token (sct_...)")(fn)
    return click.option("--as", "user", envvar="SHUCANG_USER", help="acting user id")(fn)


def _table(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    click.echo("\t".join(columns))
    for r in rows:
        click.echo("\t".join("" if r.get(c) is None else str(r[c]) for c in columns))


# ---- orgs / users / tokens -----------------------------------------------------------------
@click.group("orgs")
def orgs_cli() -> None:
    """Organizations: bureau, departments, streets and communities (real NBS codes), apps."""


@orgs_cli.command("add")
@click.argument("org_id")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["bureau", "department", "street",
                                                          "community", "app"]))
@click.option("--code", "division_code", help="9-digit street / 12-digit community NBS code")
@click.option("--department", help="the contract `owner` text this org decides for")
@_reports
def orgs_add(org_id: str, name: str, kind: str, division_code: str | None,
             department: str | None) -> None:
    """Register an organization."""
    from access.orgs import create_org

    create_org(org_id, name, kind, division_code, department)
    click.echo(f"org {org_id} added")


@orgs_cli.command("seed")
@click.option("--street", "streets", multiple=True, help="street NBS code (repeatable)")
@click.option("--tokens", is_flag=True, help="also issue and print a token per seeded user")
@_reports
def orgs_seed(streets: tuple[str, ...], tokens: bool) -> None:
    """Create the bureau, one department per contract owner and streets with a user each."""
    from access.orgs import issue_token
    from access.seed import DEMO_STREETS, seed_city

    for row in seed_city(streets or DEMO_STREETS):
        token = f"\t{issue_token(row['user'])}" if tokens else ""
        click.echo(f"{row['user']}\t{row['org']}\t{row['role']}{token}")


@orgs_cli.command("list")
def orgs_list() -> None:
    """List organizations."""
    from access.orgs import list_orgs

    _table(list_orgs(), ["org_id", "kind", "name", "division_code", "department"])


@click.group("users")
def users_cli() -> None:
    """People who request, review or query (one organization, one role each)."""


@users_cli.command("add")
@click.argument("user_id")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--role", default="requester",
              type=click.Choice(["requester", "reviewer", "analyst", "admin"]))
@_reports
def users_add(user_id: str, name: str, org_id: str, role: str) -> None:
    """Register a user."""
    from access.orgs import create_user

    create_user(user_id, name, org_id, role)
    click.echo(f"user {user_id} added")


@users_cli.command("list")
def users_list() -> None:
    """List users."""
    from access.orgs import list_users

    _table(list_users(), ["user_id", "name", "org_id", "role"])


@users_cli.command("password")
@click.argument("user_id")
@_reports
def users_password(user_id: str) -> None:
    """Give USER_ID a temporary portal password and print it once (the person sets their own at
    first sign-in; open sessions end). The bureau does the same on the portal's 账号管理 page."""
    from access.accounts import issue_temporary_password

    click.echo(issue_temporary_password(user_id))


@click.group("tokens")
def tokens_cli() -> None:
    """App tokens (shown once, stored hashed) for downstream apps reading their grants."""


@tokens_cli.command("issue")
@click.argument("user_id")
@click.option("--days", default=365, show_default=True, type=int)
@click.option("--grant", "grant_ids", multiple=True,
              help="bind the token to this grant (repeat for a set): an app token for the API")
@_reports
def tokens_issue(user_id: str, days: int, grant_ids: tuple[str, ...]) -> None:
    """Issue a token for USER_ID and print it (it cannot be shown again)."""
    from access.orgs import issue_token

    click.echo(issue_token(user_id, days, list(grant_ids) or None))


@tokens_cli.command("revoke")
@click.argument("token_id")
@_reports
def tokens_revoke(token_id: str) -> None:
    """Revoke a token by its id (the part between `sct_` and the next `_`)."""
    from access.orgs import revoke_token

    revoke_token(token_id)
    click.echo(f"token {token_id} revoked")


# ---- requests ------------------------------------------------------------------------------
@click.group("requests")
def requests_cli() -> None:
    """Data requests (申请): submit with purpose, scope and period; list; show."""


@requests_cli.command("catalog")
def requests_catalog() -> None:
    """Datasets that can be requested, with their grade and sharing attribute."""
    from access.scope import contracts, requestable

    rows = [{"dataset": c.id, "title": c.title, "owner": c.owner, "grade": c.grade.value,
             "sharing": c.sharing.value} for c in contracts().values() if requestable(c)]
    _table(rows, ["dataset", "title", "owner", "grade", "sharing"])


@requests_cli.command("submit")
@_identity
@click.option("--purpose", required=True, help="用途")
@click.option("--scenario", required=True, help="场景")
@click.option("--dataset", "datasets", multiple=True, required=True,
              help="DATASET:COLUMNS, e.g. household_register:name,sex,resident_id:pseudonym")
@click.option("--rows", "rows", default="", help="row scope for every dataset with addresses,"
              " e.g. street_code=330106004")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="default: today")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@_reports
def requests_submit(user: str | None, token: str | None, purpose: str, scenario: str,
                    datasets: tuple[str, ...], rows: str, start: dt.datetime | None,
                    end: dt.datetime) -> None:
    """Submit a request; classification is checked now. Prints the request id."""
    from access import workflow
    from access.errors import ScopeError
    from access.scope import DatasetScope, Scope, contracts, parse_columns, parse_rows

    known = contracts()
    scoped = {}
    for item in datasets:
        name, _, spec = item.partition(":")
        if name not in known:
            raise ScopeError(f"unknown dataset {name!r}; see `shucang requests catalog`")
        cols = spec or ",".join(c.name for c in known[name].columns)
        scoped[name] = DatasetScope(columns=parse_columns(known[name], cols),
                                    rows=parse_rows(rows) if known[name].address else {})
    scope = Scope(datasets=scoped, start=(start or dt.datetime.now()).date(), end=end.date())
    click.echo(workflow.submit(_actor(user, token), purpose, scenario, scope))


@requests_cli.command("list")
@click.option("--status", default=None)
@click.option("--org", "org_id", default=None)
def requests_list(status: str | None, org_id: str | None) -> None:
    """List requests, newest first."""
    from access.workflow import list_requests

    rows = [{**r, "datasets": ",".join(r["requested"]["datasets"])}
            for r in list_requests(status, org_id)]
    _table(rows, ["request_id", "status", "org_id", "requester", "datasets", "purpose",
                  "submitted_at"])


def _dump(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@requests_cli.command("show")
@click.argument("request_id")
@_reports
def requests_show(request_id: str) -> None:
    """A request: requested and granted scope side by side, decisions and every transition."""
    from access.workflow import show

    req = show(request_id)
    grant = req["grant"] or {}
    _dump({"request_id": req["request_id"], "status": req["status"], "org": req["org_id"],
           "requester": req["requester"], "purpose": req["purpose"], "scenario": req["scenario"],
           "requested": req["requested"], "granted": grant.get("granted"),
           "grant_id": grant.get("grant_id"), "valid_to": grant.get("valid_to"),
           "decisions": req["decisions"], "transitions": req["transitions"]})


@requests_cli.command("overdue")
@click.option("--days", default=10, show_default=True, help="working days allowed per stage")
def requests_overdue(days: int) -> None:
    """Requests waiting in review longer than DAYS working days."""
    from access.workflow import overdue

    _table(overdue(limit_days=days), ["request_id", "status", "org_id", "working_days",
                                      "stage_since"])


# ---- grants --------------------------------------------------------------------------------
@click.group("grants")
def grants_cli() -> None:
    """Review and decide requests; list, revoke, expire and rebuild grants; read the audit."""


@grants_cli.command("review")
@click.argument("request_id")
@_identity
@click.option("--deny", is_flag=True, help="deny instead of passing to the owner(s)")
@click.option("--reason", default=None)
@_reports
def grants_review(request_id: str, user: str | None, token: str | None, deny: bool,
                  reason: str | None) -> None:
    """Bureau review: pass REQUEST_ID to the owning department(s), or deny it with --reason."""
    from access.workflow import bureau_review

    click.echo(bureau_review(request_id, _actor(user, token), not deny, reason))


def _decide(request_id: str, actor: str, decision: str, **kw: Any) -> None:
    from access.workflow import decide

    click.echo(decide(request_id, actor, decision, **kw))


@grants_cli.command("approve")
@click.argument("request_id")
@_identity
@click.option("--dataset", default=None, help="only this dataset (default: every one you own)")
@_reports
def grants_approve(request_id: str, user: str | None, token: str | None,
                   dataset: str | None) -> None:
    """Owner decision: grant as asked."""
    _decide(request_id, _actor(user, token), "approved", dataset=dataset)


@grants_cli.command("narrow")
@click.argument("request_id")
@_identity
@click.option("--dataset", required=True)
@click.option("--columns", default=None, help="fewer columns / added masks, e.g. name:name,sex")
@click.option("--rows", default=None, help="fewer rows, e.g. community_code=330106004053")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="shorter period")
@click.option("--reason", required=True)
@_reports
def grants_narrow(request_id: str, user: str | None, token: str | None, dataset: str,
                  columns: str | None, rows: str | None, end: dt.datetime | None,
                  reason: str) -> None:
    """Owner decision: grant less than asked (columns, masks, rows, end date)."""
    from access.scope import DatasetScope, Scope, contracts, parse_columns, parse_rows
    from access.workflow import show

    asked = Scope.model_validate(show(request_id)["requested"]).datasets.get(dataset)
    granted = None
    if asked is not None and (columns or rows):
        granted = DatasetScope(
            columns=parse_columns(contracts()[dataset], columns) if columns else asked.columns,
            rows=parse_rows(rows) if rows else asked.rows)
    _decide(request_id, _actor(user, token), "narrowed", dataset=dataset, granted=granted,
            end=end.date() if end else None, reason=reason)


@grants_cli.command("deny")
@click.argument("request_id")
@_identity
@click.option("--dataset", default=None)
@click.option("--reason", required=True)
@_reports
def grants_deny(request_id: str, user: str | None, token: str | None, dataset: str | None,
                reason: str) -> None:
    """Owner decision: deny (one dataset or every one you own) with a reason."""
    _decide(request_id, _actor(user, token), "denied", dataset=dataset, reason=reason)


@grants_cli.command("revoke")
@click.argument("grant_id")
@_identity
@click.option("--reason", required=True)
@_reports
def grants_revoke(grant_id: str, user: str | None, token: str | None, reason: str) -> None:
    """End a grant now; its artifact is deleted and every later access refused."""
    from access.workflow import revoke

    revoke(grant_id, _actor(user, token), reason)
    click.echo(f"grant {grant_id} revoked")


@grants_cli.command("list")
@click.option("--status", default=None)
@click.option("--org", "org_id", default=None)
def grants_list(status: str | None, org_id: str | None) -> None:
    """List grants."""
    from access.workflow import list_grants

    rows = [{**g, "datasets": ",".join(g["granted"]["datasets"])}
            for g in list_grants(status, org_id)]
    _table(rows, ["grant_id", "status", "org_id", "datasets", "valid_to", "artifact_sha256"])


@grants_cli.command("show")
@click.argument("grant_id")
@_reports
def grants_show(grant_id: str) -> None:
    """The verified, signed artifact manifest of a live grant."""
    from access.artifacts import verified_manifest

    _dump(verified_manifest(grant_id))


@grants_cli.command("expire")
def grants_expire() -> None:
    """Expire every grant whose period has ended (the hourly DAG runs this)."""
    from access.workflow import expire_due

    for grant_id in expire_due():
        click.echo(f"expired {grant_id}")


@grants_cli.command("rebuild")
@click.argument("grant_id", required=False)
@click.option("--dataset", default=None, help="rebuild every grant covering this dataset")
@_reports
def grants_rebuild(grant_id: str | None, dataset: str | None) -> None:
    """Recompile one grant's artifact, or those of every grant covering --dataset."""
    from access import artifacts

    if dataset:
        ids = artifacts.rebuild_for_dataset(dataset)
    elif grant_id:
        artifacts.build(grant_id)
        ids = [grant_id]
    else:
        raise click.UsageError("name a GRANT_ID or --dataset")
    for g in ids:
        click.echo(f"rebuilt {g}")


@grants_cli.command("audit")
@click.option("--grant", "grant_id", default=None)
@click.option("--limit", default=50, show_default=True)
@click.option("--export", "export", is_flag=True,
              help="publish the whole log as dataset access_audit (Parquet + manifest)")
def grants_audit(grant_id: str | None, limit: int, export: bool) -> None:
    """The access audit log (every query, export, download and refusal)."""
    from access import audit

    if export:
        m = audit.export_dataset()
        click.echo(f"access_audit snapshot {m.snapshot_id}: {m.rows} rows")
        return
    _table(audit.events(grant_id, limit), ["id", "at", "actor", "grant_id", "action", "outcome",
                                           "rows", "duration_ms", "statement", "reason"])


# ---- query ---------------------------------------------------------------------------------
@click.command("query")
@click.option("--grant", "grant_id", required=True)
@_identity
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "csv", "json"]))
@click.option("--show-sql", is_flag=True, help="print the rewritten statement to stderr")
@click.argument("sql")
@_reports
def query_cli(grant_id: str, user: str | None, token: str | None, fmt: str, show_sql: bool,
              sql: str) -> None:
    """Run one SELECT against a live grant through the gateway (refusals exit 3)."""
    from access.gateway import authenticated, query

    actor = authenticated(token, "query", grant_id) if token else _actor(user, None)
    result = query(grant_id, sql, actor)
    if show_sql:
        click.echo(result.rewritten.sql, err=True)
    rows = result.table.to_pylist()
    if fmt == "json":
        _dump(rows)
    elif fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(result.table, sys.stdout.buffer)
    else:
        _table(rows, result.table.column_names)
        click.echo(f"({result.table.num_rows} rows, {result.duration_ms:.1f} ms)", err=True)


# ---- portal --------------------------------------------------------------------------------
@click.group("portal")
def portal_cli() -> None:
    """The web portal for streets, communities and reviewers."""


@portal_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8780, show_default=True, type=int)
def portal_serve(host: str, port: int) -> None:
    """Serve the portal (FastAPI) until interrupted."""
    import uvicorn

    from access.portal.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")

