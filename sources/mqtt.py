"""The `mqtt` source kind: IoT readings (智能感知: water levels, elevator faults) subscribed from an
MQTT broker and landed as micro-batches, one JSON document per batch.

Nothing is lost across a restart or a kill: the subscriber keeps a persistent session (MQTT 5,
clean_start off, a session expiry) and takes messages at QoS 1 with manual acknowledgement, and it
acknowledges a batch's messages only after landing has recorded the batch in the ledger (or found
nothing new in it). A message delivered again after a kill is left out when the dataset's latest
load already holds it (each message is known by the sha256 of its topic and payload), so none is
landed twice. The broker keeps the session's messages while no subscriber runs; the first run
creates the session, so start the subscriber (`shucang feeds subscribe DATASET`) before devices
publish."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field

from foundation.files import atomic_write_bytes
from foundation.settings import secret
from sources.base import Candidate, FeedUnavailable, Fetch, JsonSource

NAME = r"^[a-z][a-z0-9_]*$"
DEFAULT_BROKER = "mqtt://127.0.0.1:1883"


def broker_url(broker: str) -> str:
    """mqtt://[user:password@]host[:port] of the broker a contract names (default the local one)."""
    return secret("mqtt", broker, "url") or DEFAULT_BROKER


def message_sha256(topic: str, payload: bytes) -> str:
    """What a message is known by across redeliveries: the hash of its topic and payload."""
    return hashlib.sha256(topic.encode("utf-8") + b"\0" + payload).hexdigest()


def _record(topic: str, payload: bytes, topic_field: str | None) -> Any:
    """A message as a record: its JSON payload (with its topic when the contract asks), or the
    payload as text when it is not a JSON object (staging quarantines it with its reason)."""
    try:
        value = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "backslashreplace")
    if isinstance(value, dict) and topic_field:
        value.setdefault(topic_field, topic)
    return value


def _landed_messages(recent: tuple[Path, ...]) -> set[str]:
    """The message hashes the latest landed load holds."""
    out: set[str] = set()
    for p in recent:
        try:
            doc = json.loads(p.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict):
            out |= {m["sha256"] for m in doc.get("messages", []) if isinstance(m, dict) and "sha256" in m}
    return out


@dataclass
class _Inbox:
    """Messages received and not yet acknowledged, in arrival order."""

    limit: int
    messages: list[Any] = field(default_factory=list)
    full: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, message: Any) -> None:
        with self.lock:
            if len(self.messages) < self.limit:
                self.messages.append(message)
            if len(self.messages) >= self.limit:
                self.full.set()

    def taken(self) -> list[Any]:
        with self.lock:
            return list(self.messages)


class MqttSource(JsonSource):
    """Messages on a topic filter (`location`), landed as micro-batches of JSON records."""

    kind: Literal["mqtt"] = "mqtt"
    location: str  # the topic filter, e.g. city/iot/water_level/#
    broker: Annotated[str, Field(pattern=NAME)] = "local"  # names the URL's setting, never holds it
    client_id: str | None = None  # the persistent session's id; default shucang-<dataset>
    topic_field: str | None = None  # a record key that gets the message's topic (e.g. a sensor id)
    batch_messages: Annotated[int, Field(gt=0, le=65_535)] = 1_000
    batch_seconds: Annotated[float, Field(gt=0)] = 5.0  # a run stops after this long or that many
    session_expiry: Annotated[int, Field(gt=0)] = 7 * 24 * 3600  # seconds the broker keeps the session

    def increments(self, cursor: str | None) -> bool:
        """A load is the messages of one micro-batch."""
        return True

    def fetch(self, request: Fetch) -> list[Candidate]:
        """One micro-batch, acknowledged at once (use `fetched` to acknowledge after landing)."""
        with self.fetched(request) as candidates:
            return candidates

    @contextmanager
    def fetched(self, request: Fetch) -> Iterator[list[Candidate]]:
        """Subscribe, take up to `batch_messages` messages for at most `batch_seconds`, offer them
        as one JSON document, and acknowledge them when the block ends without an error; on an
        error or a kill they stay unacknowledged and the broker delivers them again."""
        client, inbox = self._subscribe(request.dataset)
        try:
            inbox.full.wait(self.batch_seconds)
            taken = inbox.taken()
            candidates = self._write(request, taken)
            yield candidates
            for msg in taken:
                client.ack(msg.mid, msg.qos)
        finally:
            client.disconnect()
            client.loop_stop()

    def _subscribe(self, dataset: str) -> tuple[Any, _Inbox]:
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        url = urlsplit(broker_url(self.broker))
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5, manual_ack=True,
                             client_id=self.client_id or f"shucang-{dataset}")
        if url.username:
            client.username_pw_set(url.username, url.password)
        inbox = _Inbox(self.batch_messages)
        subscribed = threading.Event()
        failure: list[str] = []

        def on_connect(c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
            if reason.is_failure:
                failure.append(str(reason))
                subscribed.set()
                return
            c.subscribe(self.location, qos=1)

        client.on_connect = on_connect
        client.on_subscribe = lambda *_a: subscribed.set()
        client.on_message = lambda _c, _u, msg: inbox.add(msg)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self.session_expiry
        props.ReceiveMaximum = self.batch_messages
        try:
            client.connect(url.hostname or "127.0.0.1", url.port or 1883, keepalive=30, clean_start=False,
                           properties=props)
        except OSError as e:
            raise FeedUnavailable(f"{dataset}: MQTT broker {url.hostname}:{url.port or 1883}"
                                  f" unreachable: {e}") from e
        client.loop_start()
        if not subscribed.wait(10) or failure:
            client.disconnect()
            client.loop_stop()
            raise FeedUnavailable(f"{dataset}: MQTT broker {url.hostname}: could not subscribe to "
                                  f"{self.location!r} ({', '.join(failure) or 'no answer in 10 s'})")
        return client, inbox

    def _write(self, request: Fetch, taken: list[Any]) -> list[Candidate]:
        """The batch as one JSON document (records under `records_path`, each message's topic and
        hash under `messages`), leaving out what the latest load already holds."""
        landed = _landed_messages(request.recent)
        records, messages = [], []
        for msg in taken:
            sha = message_sha256(msg.topic, msg.payload)
            if sha in landed:
                continue
            landed.add(sha)
            records.append(_record(msg.topic, msg.payload, self.topic_field))
            messages.append({"topic": msg.topic, "sha256": sha})
        if not records:
            return []
        doc = {self.records_path: records, "messages": messages}
        name = f"mqtt-{time.strftime('%Y%m%dT%H%M%S')}-{messages[0]['sha256'][:12]}.json"
        path = request.workdir / "fetched" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        return [Candidate(f"mqtt://{self.broker}/{self.location}#{name}", path, name)]
