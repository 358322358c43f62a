"""The seeded sample-feed generator: a synthetic but realistic Hangzhou address world on real NBS
2023 division codes, every feed of the catalog's contracts rendered from it (with the dirt real
feeds carry, catalogued in dirt.json), and the registry sources the address registry merges.

It writes only under the output folder it is given; it never lands, stages or publishes.
"""
