"""Every `SHUCANG_*` environment variable, declared once with its default, type and help, and the
locations derived from them. Modules read a variable through `value(NAME)`, never `os.environ`
directly, so this table is the complete list (README's settings table is checked against it)."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parent.parent

Kind = Literal["path", "str", "int", "float", "bool", "secret"]


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable: its name, default (None: unset), kind and a line of help."""

    name: str
    default: str | None
    kind: Kind
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SHUCANG_HOME", None, "path",
            "root of the embedded defaults (warehouse, exports, landing, control.db); default ./var"),
    Setting("SHUCANG_FEEDS", None, "path",
            "where the sample feeds are written and read; default $SHUCANG_HOME/feeds"),
    Setting("SHUCANG_CONTROL_URL", None, "str",
            "SQLAlchemy URL of the control plane; default sqlite:///$SHUCANG_HOME/control.db"),
    Setting("SHUCANG_CONTRACTS", None, "path",
            "folder of the dataset contracts (<id>.yaml); default catalog/datasets in the repository"),
    Setting("SHUCANG_HTTP_BASE", "http://127.0.0.1:8765", "str", "base URL of the city-tier JSON feeds"),
    Setting("SHUCANG_COMPACT_FILES", "16", "int",
            "`shucang warehouse compact` merges a dataset's small data files once it has more than this"),
    Setting("SHUCANG_COMPACT_SMALL_MIB", "64", "int",
            "data files smaller than this (MiB) count as small for compaction"),
    Setting("SHUCANG_KEEP_SNAPSHOTS", "3", "int",
            "snapshots kept per dataset, the current one included (older ones are deleted on publish)"),
    Setting("SHUCANG_LAKE_CATALOG", None, "str",
            "DuckLake catalog of the published tables: a file path, or postgres:<libpq conninfo>;"
            " default SHUCANG_HOME/lake.ducklake"),
    Setting("SHUCANG_LAKE_DATA", None, "str",
            "where the published tables' Parquet files live (shared storage in production);"
            " default SHUCANG_HOME/lake/"),
    Setting("SHUCANG_WAREHOUSE_WAIT", "5", "float",
            "seconds a publish waits for warehouse.duckdb held by another process before it leaves"
            " the view sync pending (`shucang warehouse sync` catches up)"),
    Setting("SHUCANG_ACCESS_SECRET", None, "secret",
            "master secret for pseudonyms, sessions and tokens; default a key file made on first use"),
    Setting("SHUCANG_USER", None, "str", "the CLI's acting user id for access commands"),
    Setting("SHUCANG_TOKEN", None, "secret", "an app token the CLI presents instead of SHUCANG_USER"),
    Setting("SHUCANG_GATEWAY_MEMORY", "2GB", "str", "DuckDB memory limit of a gateway query"),
    Setting("SHUCANG_LOAD_MEMORY", None, "str",
            "DuckDB memory limit of each connection of a load (stage, address, validate, publish),"
            " e.g. 4GB; beyond it DuckDB spills to the load's work folder; default half the RAM, at"
            " most 8 GiB"),
    Setting("SHUCANG_GATEWAY_TIMEOUT", "300", "float", "seconds a gateway query may run"),
    Setting("SHUCANG_GATEWAY_WORKERS", "2", "int", "worker processes that run gateway queries"),
    Setting("SHUCANG_GATEWAY_ADDRESS_SPACE", None, "str",
            "address space a gateway worker may map, e.g. 3GB; default the memory limit + 1.5 GiB"),
    Setting("SHUCANG_OIDC_ISSUER", None, "str",
            "OpenID Connect issuer URL of the city's identity provider; unset: no OIDC sign-in"),
    Setting("SHUCANG_OIDC_CLIENT_ID", None, "str", "the portal's client id at the identity provider"),
    Setting("SHUCANG_OIDC_CLIENT_SECRET", None, "secret",
            "the portal's client secret at the identity provider (environment only, never a file)"),
    Setting("SHUCANG_OIDC_CLAIM", "preferred_username", "str",
            "id_token claim whose value is the portal user id of the person signing in"),
    Setting("SHUCANG_ADDRESS_NATIVE", "1", "bool", "use the native (C) address matcher when it builds"),
    Setting("SHUCANG_NATIVE_CACHE", None, "path",
            "where the native matcher's shared library and its copy of the division reference are kept"),
    Setting("SHUCANG_NATIVE_SANITIZE", "0", "bool",
            "build the native matcher with AddressSanitizer and UBSan (make sanitize)"),
    Setting("SHUCANG_ADDRESS_THREADS", None, "int", "threads of the native matcher; default the cores"),
    Setting("SHUCANG_ADDRESS_WORKERS", "1", "int", "processes of the Python matcher's fork pool"),
    Setting("SHUCANG_SPARK_PROFILE", "large", "str",
            "Spark configuration profile (the transforms and the load on Spark)"),
    Setting("SHUCANG_SPARK_MASTER", "local[*]", "str",
            "Spark master URL: local[*] (every core of this machine), spark://host:7077, yarn, k8s://..."),
    Setting("SHUCANG_SPARK_DRIVER_MEMORY", "4g", "str", "memory of the Spark driver (spark.driver.memory)"),
    Setting("SHUCANG_SPARK_EXECUTOR_MEMORY", None, "str",
            "memory of each Spark executor (spark.executor.memory); default Spark's own"),
    Setting("SHUCANG_SPARK_WAREHOUSE", None, "path",
            "Spark SQL warehouse folder or URL (spark.sql.warehouse.dir);"
            " default $SHUCANG_HOME/spark-warehouse"),
    Setting("SHUCANG_SPARK_MIN_BYTES", None, "int",
            "landed bytes from which a CSV load with `engine: auto` runs on Spark; default unset (never)"),
    Setting("SHUCANG_QUALITY_WEBHOOK", None, "str", "URL that failed quality gates are POSTed to"),
    Setting("SHUCANG_QUALITY_SMTP_HOST", None, "str", "SMTP server for failed-gate mail"),
    Setting("SHUCANG_QUALITY_SMTP_PORT", "25", "int", "SMTP port"),
    Setting("SHUCANG_QUALITY_SMTP_STARTTLS", "0", "bool", "1: STARTTLS before login"),
    Setting("SHUCANG_QUALITY_SMTP_USER", None, "str", "SMTP login user"),
    Setting("SHUCANG_QUALITY_SMTP_PASSWORD", None, "secret", "SMTP login password"),
    Setting("SHUCANG_QUALITY_SMTP_FROM", "shucang@localhost", "str", "sender of failed-gate mail"),
    Setting("SHUCANG_QUALITY_SMTP_TO", None, "str", "comma-separated recipients of failed-gate mail"),
    Setting("SHUCANG_REVIEW_WEBHOOK", None, "str",
            "URL a request waiting for review is POSTed to (who must act, the request, the portal link)"),
    Setting("SHUCANG_REVIEW_MAIL_TO", None, "str",
            "comma-separated reviewers mailed when a request waits for them (the quality SMTP server)"),
    Setting("SHUCANG_PORTAL_URL", "http://127.0.0.1:8780", "str", "the portal's address in review notices"),
    Setting("SHUCANG_LEASE_TTL", "300", "float",
            "seconds a dataset's lease lasts unless its holder renews it (a crashed holder's expires)"),
    Setting("SHUCANG_LEASE_WAIT", "10", "float",
            "seconds a run waits for another run of the same dataset before it gives up"),
    Setting("SHUCANG_FAULT_POINT", None, "str",
            "tests only: the named point where a load kills itself (`NAME:raise` raises instead)"),
    Setting("SHUCANG_SCREENSHOTS", None, "path", "where the browser tests save their screenshots"),
    Setting("SHUCANG_SECRETS_FILE", None, "path",
            "TOML file of source credentials, `[<sql|http|mqtt>.<name>] <field> = \"...\"`; a"
            " SHUCANG_<GROUP>_<NAME>_<FIELD> variable wins over its entry"),
)


@dataclass(frozen=True, slots=True)
class Family:
    """Variables named after a connection a contract names (never the credential itself):
    `SHUCANG_<GROUP>_<NAME>_<FIELD>`, read with `secret(group, name, field)`."""

    pattern: str
    kind: Kind
    help: str


FAMILIES: tuple[Family, ...] = (
    Family("SHUCANG_SQL_<NAME>_URL", "secret",
           "SQLAlchemy URL of the database a sql source names (`connection: <name>`); default"
           " sqlite:///$SHUCANG_FEEDS/sql/<name>.sqlite when that file exists"),
    Family("SHUCANG_HTTP_<NAME>_URL", "str",
           "base URL of the endpoint an http source names (`endpoint: <name>`)"),
    Family("SHUCANG_HTTP_<NAME>_<FIELD>", "secret",
           "credential of an http source's `auth.credential: <name>`: KEY (api_key), TOKEN"
           " (bearer), APP_KEY and APP_SECRET (signed)"),
    Family("SHUCANG_MQTT_<NAME>_URL", "secret",
           "mqtt://[user:password@]host[:port] of the broker an mqtt source names (`broker:"
           " <name>`); default mqtt://127.0.0.1:1883"),
)
_BY_NAME = {s.name: s for s in SETTINGS}
_FALSE = ("0", "false", "no", "off", "")


class UnknownSettingError(KeyError):
    """A variable that is not declared in SETTINGS was asked for."""


def declared(name: str) -> Setting:
    """The declaration of `name`; UnknownSettingError when it is not one."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownSettingError(f"{name} is not declared in foundation.settings.SETTINGS") from None


def value(name: str) -> str | None:
    """The raw text of `name` from the environment, else its declared default (None: unset)."""
    default = declared(name).default
    got = os.environ.get(name)
    return got if got not in (None, "") else default


def family_variable(group: str, name: str, field: str) -> str:
    """The variable of `field` of connection `name` in `group`: SHUCANG_<GROUP>_<NAME>_<FIELD>."""
    parts = (group, name, field)
    return "SHUCANG_" + "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).upper() for p in parts)


def secret(group: str, name: str, field: str) -> str | None:
    """Credential `field` of connection `name` in `group` (sql, http, mqtt): its variable
    (`family_variable`), else `[group.name] field` in SHUCANG_SECRETS_FILE, else None."""
    got = os.environ.get(family_variable(group, name, field))
    if got:
        return got
    path = value("SHUCANG_SECRETS_FILE")
    if not path:
        return None
    try:
        entries = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"SHUCANG_SECRETS_FILE={path}: cannot read it ({e})") from None
    entry = entries.get(group, {}).get(name, {})
    found = entry.get(field.lower()) if isinstance(entry, dict) else None
    return str(found) if found is not None else None


def flag(name: str) -> bool:
    """A boolean setting: anything but 0/false/no/off/empty is true."""
    got = value(name)
    return got is not None and got.strip().lower() not in _FALSE


def number(name: str) -> float | None:
    """A numeric setting as a float (None when unset); a malformed value names the variable."""
    got = value(name)
    if got is None:
        return None
    try:
        return float(got)
    except ValueError:
        raise ValueError(f"{name}={got!r} is not a number ({declared(name).help})") from None


@dataclass(frozen=True)
class Settings:
    """Resolved locations and endpoints; build one with `settings()`."""

    home: Path
    feeds: Path
    control_url: str
    http_base: str

    @property
    def landing(self) -> Path:
        """Raw, immutable bytes as received: landing/<dataset>/<load_id>/<file>."""
        return self.home / "landing"

    @property
    def staging(self) -> Path:
        """Per-load intermediate Parquet: staging/<dataset>/<load_id>/."""
        return self.home / "staging"

    @property
    def quarantine(self) -> Path:
        """Rejected rows with reasons: quarantine/<dataset>/<load_id>.parquet."""
        return self.home / "quarantine"

    @property
    def exports(self) -> Path:
        """Published Parquet snapshots and manifests: exports/<dataset>/."""
        return self.home / "exports"

    @property
    def warehouse(self) -> Path:
        """The DuckDB warehouse file (single writer: the publisher)."""
        return self.home / "warehouse.duckdb"

    @property
    def airflow_home(self) -> Path:
        """The embedded Airflow's home (metadata database, logs)."""
        return self.home / "airflow"


def settings() -> Settings:
    """Settings from the environment, defaulting to ./var under the repository."""
    return _settings(os.getcwd(), value("SHUCANG_HOME"), value("SHUCANG_FEEDS"),
                     value("SHUCANG_CONTROL_URL"), value("SHUCANG_HTTP_BASE") or "")


@functools.lru_cache(maxsize=64)
def _settings(cwd: str, home_env: str | None, feeds_env: str | None, control_url: str | None,
              http_base: str) -> Settings:
    """Settings for these variables (relative paths resolved against `cwd`), resolved once."""
    home = Path(cwd, home_env or REPO_ROOT / "var").resolve()
    return Settings(
        home=home,
        feeds=Path(cwd, feeds_env or home / "feeds").resolve(),
        control_url=control_url or f"sqlite:///{home / 'control.db'}",
        http_base=http_base,
    )
