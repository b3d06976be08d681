"""Web area `errors` (see docs/architecture.md)."""
