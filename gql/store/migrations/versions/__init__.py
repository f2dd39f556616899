"""Alembic revisions, one module per schema change (loaded by alembic, not imported)."""
