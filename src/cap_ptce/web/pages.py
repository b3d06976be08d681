"""Web area `pages` (see docs/architecture.md)."""
