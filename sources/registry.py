"""The source kinds a contract's `source:` may name: the pydantic union discriminated by `kind`
(`Source`) and the name -> class table (`SOURCES`). A new kind is its module in this package and
its class in this union."""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field

from sources.base import SourceBase
from sources.file import FileSource
from sources.http import HttpSource
from sources.mqtt import MqttSource
from sources.sql import SqlSource

Source = Annotated[FileSource | HttpSource | SqlSource | MqttSource, Field(discriminator="kind")]
SOURCES: dict[str, type[SourceBase]] = {cls.kind_name(): cls for cls in get_args(get_args(Source)[0])}
