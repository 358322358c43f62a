"""The administrative division reference (GB/T 2260 province/city/district, NBS 12-digit street
and community codes): committed extracts, the division record, levels and code widths, lookup by
code. Name parsing and matching live in `address_registry`; this package holds only the facts."""
