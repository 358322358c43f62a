"""Department databases for the sql source kind's tests: a SQLite file, and a database of its own
on the local PostgreSQL and MariaDB servers (dropped afterwards; skipped with a reason when the
server does not answer), plus a contract folder holding one contract."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from contracts.contract import load_contract

SERVERS = {
    "postgresql": ("postgresql+psycopg://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"),
    "mariadb": ("mysql+pymysql://root@127.0.0.1:3306/test", "mysql+pymysql://root@127.0.0.1:3306/{db}"),
}


def _admin_engine(kind: str):  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    admin = sa.create_engine(SERVERS[kind][0], isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 2})
    try:
        admin.connect().close()
    except Exception as e:  # noqa: BLE001 - any failure means: not reachable here
        pytest.skip(f"{kind} at {SERVERS[kind][0]} is not reachable: {type(e).__name__}")
    return admin


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def department_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database of this test's own on each backend."""
    import sqlalchemy as sa

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'department.sqlite'}"
        return
    admin = _admin_engine(request.param)
    db = f"shucang_src_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {db}"))
    try:
        yield SERVERS[request.param][1].format(db=db)
    finally:
        with admin.connect() as c:
            if request.param == "postgresql":
                c.execute(sa.text(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            else:
                c.execute(sa.text(f"DROP DATABASE IF EXISTS {db}"))
        admin.dispose()


def write_contract(folder: Path, contract: dict) -> Path:
    """Write `contract` as <folder>/<id>.yaml, checked by the contract model; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{contract['id']}.yaml"
    path.write_text(yaml.safe_dump(contract, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_contract(path)
    return folder


def contract(dataset: str, source: dict, columns: list[dict], key: list[str], cursor: str | None) -> dict:
    """A minimal 无条件共享 L1 contract for a source kind's tests."""
    return {"id": dataset, "title": f"测试{dataset}", "tier": "city", "owner": "市民政局",
            "category": "公共服务/养老服务", "source": source, "primary_key": key,
            **({"cursor": cursor} if cursor else {}), "columns": columns, "grade": "L1",
            "importance": "一般", "sharing": "无条件共享", "opening": "无条件开放",
            "update_frequency": "hourly"}


def mqtt_broker() -> tuple[str, int]:
    """The local Mosquitto broker's address; skips the test when it does not answer."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=2).close()
    except OSError as e:
        pytest.skip(f"Mosquitto at 127.0.0.1:1883 is not reachable: {e}")
    return "127.0.0.1", 1883


def publish(topic: str, payloads: list[bytes]) -> None:
    """Publish `payloads` on `topic` at QoS 1, each confirmed by the broker."""
    import paho.mqtt.client as mqtt

    host, port = mqtt_broker()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}",
                         protocol=mqtt.MQTTv5)
    client.connect(host, port)
    client.loop_start()
    try:
        for p in payloads:
            client.publish(topic, p, qos=1).wait_for_publish(10)
    finally:
        client.disconnect()
        client.loop_stop()
