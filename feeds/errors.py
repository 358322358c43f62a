"""Why a whole load is refused. A LoadRejected carries a stable reason code (for counting and
tests) and a message a person can act on (which file, which line, what was expected)."""

from __future__ import annotations


class LoadRejected(Exception):
    """The input of a load is unusable as a whole; nothing of it may be published."""

    reason_code = "rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        # the data records of the refused input, counted from its bytes (None: not known)
        self.rows: int | None = None


class EncodingRejected(LoadRejected):
    reason_code = "rejected:encoding"
    utf16 = False  # the file is UTF-16 with a byte-order mark: read whole by the UTF-16 codec
    whole = False  # no decoding of the file or its records is exact (UTF-16 without a mark): refused


class TruncatedFile(LoadRejected):
    reason_code = "rejected:truncated"


class MalformedFile(LoadRejected):
    """The file's records cannot be told apart (a quote left open joins the lines after it)."""

    reason_code = "rejected:malformed"


class WrongFormat(LoadRejected):
    """The file is not in the contract's format (an Excel 97-2003 .xls or a CSV under an .xlsx name)."""

    reason_code = "rejected:format"
    no_records = False  # the bytes are something else (a web page, an archive): no feed rows in them


class SchemaDrift(LoadRejected):
    reason_code = "rejected:schema_drift"
    headerless = False  # the first line is a data row, not a header: it is one of the refused rows


class EmptyInput(LoadRejected):
    reason_code = "rejected:empty"
