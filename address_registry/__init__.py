"""The standard address registry (标准地址库): divisions, parsing, normalization, the merged registry
with stable building and house codes, and matching free text onto it. It never reads feeds."""
