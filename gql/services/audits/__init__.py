"""Audits of territories (片区考核, R5): plans, on-site records, cross-checks.

The pure rules are in ``rules/``.
"""
