"""The standard address registry (标准地址库): divisions, parsing, normalization, the merged
registry with stable building and house codes, and matching free text onto it. It never reads
feeds."""

from address_registry.match import match_many
from address_registry.parse import ParsedAddress, parse_normalized
from address_registry.parse_batch import parse_many
from address_registry.shapes import parse

__all__ = ["ParsedAddress", "match_many", "parse", "parse_many", "parse_normalized"]
