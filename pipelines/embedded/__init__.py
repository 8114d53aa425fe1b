"""Real snapshots shipped with the project (built from ../shared/realdata)."""
