"""The `file` source kind: files under the feeds folder (SHUCANG_FEEDS) matching a glob, CSV in
GBK, GB18030 or UTF-8, or hand-filled Excel workbooks."""

from __future__ import annotations

import os
from typing import Literal

from foundation.settings import settings
from sources.base import Candidate, Fetch, SourceBase

Encoding = Literal["auto", "utf-8", "gbk", "gb18030"]


class FileSource(SourceBase):
    """Files under the feeds folder: CSV (GBK, GB18030 or UTF-8) or hand-filled Excel workbooks."""

    kind: Literal["file"] = "file"
    format: Literal["csv", "xlsx"]
    location: str  # a glob relative to the feeds folder
    encoding: Encoding = "auto"
    delimiter: str = ","
    sheet: str | None = None  # the worksheet of a workbook (default: the first)

    def globs(self) -> list[str]:
        """The globs of the feed's files: the location, and for a workbook glob ending in
        `.xlsx` the same glob for Excel 97-2003 (`.xls`) and WPS (`.et`) workbooks, which people
        save as often and which the reader reads alike."""
        if self.format == "xlsx" and self.location.lower().endswith(".xlsx"):
            stem = self.location[: -len(".xlsx")]
            return [self.location, stem + ".xls", stem + ".et"]
        return [self.location]

    def fetch(self, request: Fetch) -> list[Candidate]:
        """The files matching the location globs, in name order (read in place, not copied)."""
        feeds = settings().feeds
        paths = sorted({p for g in self.globs() for p in feeds.glob(g) if p.is_file()})
        return [Candidate(str(p), p, str(p.relative_to(feeds)).replace(os.sep, "__")) for p in paths]
