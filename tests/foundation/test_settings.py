"""Every setting is declared once and documented; values follow the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foundation import settings as config
from foundation.settings import FAMILIES, REPO_ROOT, SETTINGS, UnknownSettingError, secret

PACKAGES = ["foundation", "sources", "contracts", "divisions", "control", "warehouse", "feeds", "address_registry",
            "quality", "transforms", "access", "catalog", "shucang", "dags"]


def test_every_declared_setting_is_in_the_readme_table() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in readme]
    missing += [f.pattern for f in FAMILIES if f"| `{f.pattern}` |" not in readme]
    assert not missing, f"add these to README's settings table: {missing}"


def test_every_variable_the_code_names_is_declared() -> None:
    declared = {s.name for s in SETTINGS}
    families = [re.compile(re.sub(r"<[A-Z]+>", "[A-Z0-9_]+", f.pattern) + "$") for f in FAMILIES]
    named: set[str] = set()
    for pkg in PACKAGES:
        for f in Path(REPO_ROOT, pkg).rglob("*.py"):
            named |= set(re.findall(r"\bSHUCANG_[A-Z_]*[A-Z]\b", f.read_text(encoding="utf-8")))
    assert {n for n in named - declared if not any(f.match(n) for f in families)} == set()


def test_packages_read_the_environment_through_settings_only() -> None:
    offenders = []
    for pkg in PACKAGES:
        for f in Path(REPO_ROOT, pkg).rglob("*.py"):
            if f.name == "settings.py" and f.parent.name == "foundation":
                continue
            text = f.read_text(encoding="utf-8")
            # reading, not setting: a process may export a value for the tasks it starts
            if re.search(r"(environ\.get|getenv)\(\s*[\"']SHUCANG_|environ\[[\"']SHUCANG_\w+[\"']\](?!\s*=)",
                         text):
                offenders.append(str(f.relative_to(REPO_ROOT)))
    assert offenders == []


@pytest.mark.parametrize(("env", "flag"), [("1", True), ("yes", True), ("0", False), ("false", False),
                                          ("off", False), ("", True)])
def test_flags(env: str, flag: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # "" means unset here, so the declared default ("1") applies
    monkeypatch.setenv("SHUCANG_ADDRESS_NATIVE", env)
    assert config.flag("SHUCANG_ADDRESS_NATIVE") is flag


def test_numbers_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUCANG_GATEWAY_TIMEOUT", raising=False)
    assert config.number("SHUCANG_GATEWAY_TIMEOUT") == 300.0
    monkeypatch.setenv("SHUCANG_GATEWAY_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="SHUCANG_GATEWAY_TIMEOUT='soon' is not a number"):
        config.number("SHUCANG_GATEWAY_TIMEOUT")


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(UnknownSettingError, match="SHUCANG_NOPE"):
        config.value("SHUCANG_NOPE")


def test_settings_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_HOME", str(tmp_path / "a"))
    monkeypatch.delenv("SHUCANG_FEEDS", raising=False)
    monkeypatch.delenv("SHUCANG_CONTROL_URL", raising=False)
    first = config.settings()
    assert first.feeds == tmp_path / "a" / "feeds"
    assert first.control_url == f"sqlite:///{tmp_path / 'a' / 'control.db'}"
    monkeypatch.setenv("SHUCANG_HOME", str(tmp_path / "b"))
    assert config.settings().home == tmp_path / "b"


def test_secrets_come_from_the_variable_then_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text('[sql.civil_affairs]\nurl = "postgresql://file"\n[http.gw]\napp_secret = "s3"\n',
                    encoding="utf-8")
    monkeypatch.setenv("SHUCANG_SECRETS_FILE", str(path))
    monkeypatch.delenv("SHUCANG_SQL_CIVIL_AFFAIRS_URL", raising=False)
    assert secret("sql", "civil_affairs", "url") == "postgresql://file"
    assert secret("http", "gw", "APP_SECRET") == "s3"
    assert secret("http", "gw", "token") is None
    monkeypatch.setenv("SHUCANG_SQL_CIVIL_AFFAIRS_URL", "postgresql://env")
    assert secret("sql", "civil_affairs", "url") == "postgresql://env"
    path.write_text("[sql", encoding="utf-8")
    monkeypatch.delenv("SHUCANG_SQL_CIVIL_AFFAIRS_URL")
    with pytest.raises(ValueError, match="SHUCANG_SECRETS_FILE"):
        secret("sql", "civil_affairs", "url")
