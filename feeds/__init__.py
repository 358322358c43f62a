"""Feeds: connectors that fetch raw bytes (files, Excel, paginated HTTP JSON), landing them raw and
immutable, staging them typed to the contract, and the seeded sample-feed generator. It never
writes the warehouse."""
