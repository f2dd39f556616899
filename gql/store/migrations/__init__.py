"""Alembic environment and revisions; shipped inside the package so installs can migrate."""
