"""Web area `sparql` (see docs/architecture.md)."""
