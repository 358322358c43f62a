"""The `shucang` command: `shucang <noun> <verb>`. Each package owns its command group; this module
only assembles them, importing a group when it is used so `--help` stays fast."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command or group. Owners add their line here.
SUBCOMMANDS: dict[str, str] = {
    "feeds": "shucang.commands:feeds",
    "contracts": "shucang.commands:contracts",
    "loads": "shucang.commands:loads",
    "control": "shucang.control_schema:control_group",
    "quarantine": "shucang.commands:quarantine_group",
    "warehouse": "shucang.commands:warehouse",
    "demo": "shucang.demo:demo",
    "address": "address_registry.cli:address",
    "registry": "address_registry.cli:registry",
    "catalog": "catalog.cli:catalog",
    "transforms": "transforms.cli:transforms",
    "backflow": "catalog.cli:backflow",
    "orgs": "access.cli:orgs_cli",
    "users": "access.cli:users_cli",
    "tokens": "access.cli:tokens_cli",
    "requests": "access.cli:requests_cli",
    "grants": "access.cli:grants_cli",
    "query": "access.cli:query_cli",
    "portal": "access.cli:portal_cli",
    "quality": "quality.cli:quality",
    "airflow": "shucang.airflow_cli:airflow_group",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; an unreachable control plane is a message and exit 1, not a traceback."""
        from control.db import ControlPlaneUnavailable, outages_reported

        try:
            with outages_reported():
                return super().invoke(ctx)
        except ControlPlaneUnavailable as e:
            click.secho(f"error: {e}", fg="red", err=True)
            ctx.exit(1)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """shucang 数仓: land, type, address, validate, publish and share the city's governance data."""
