"""The source kinds a contract's `source:` may name, one model per kind with only its own fields,
read as a pydantic union discriminated by `kind`. What landing does with each kind (list the files,
page through the feed server) is its connector in feeds/sources.py, registered under the same
name; a test keeps the two registries equal. It reads no data.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Encoding = Literal["auto", "utf-8", "gbk", "gb18030"]


class SourceBase(BaseModel):
    """What every source kind declares: its kind, format, where it is and when to fetch it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    format: str
    location: str
    schedule: str
    # a feed naming columns the contract does not: refuse the file, or ignore them (the drift is
    # named in the ledger); unset = refuse for 有条件共享/不予共享 data, whose every column must be
    # classified before it is shared, ignore for 无条件共享 data
    on_extra_columns: Literal["refuse", "ignore", "keep"] | None = None


class FileSource(SourceBase):
    """Files under the feeds folder: CSV (GBK, GB18030 or UTF-8) or hand-filled Excel workbooks."""

    kind: Literal["file"] = "file"
    format: Literal["csv", "xlsx"]
    location: str  # a glob relative to the feeds folder
    encoding: Encoding = "auto"
    delimiter: str = ","
    sheet: str | None = None  # the worksheet of a workbook (default: the first)


class HttpSource(SourceBase):
    """A paginated JSON feed on the HTTP feed server, fetched from the incremental cursor on."""

    kind: Literal["http"] = "http"
    format: Literal["json"] = "json"
    location: str  # a path on the feed server
    records_path: str = "data"  # where a JSON page keeps its records
    page_size: Annotated[int, Field(gt=0)] = 500
    cursor_param: str | None = None  # query parameter that carries the incremental cursor


# A new kind is one model above, added to this union.
Source = Annotated[FileSource | HttpSource, Field(discriminator="kind")]
SOURCES: dict[str, type[SourceBase]] = {
    cls.model_fields["kind"].default: cls for cls in get_args(get_args(Source)[0])
}
