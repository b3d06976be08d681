"""Web area `queries` (see docs/architecture.md)."""
