"""Typed errors of the audit rules (片区考核)."""

from __future__ import annotations

__all__ = ["AuditError", "CrossCheckError", "PlanEditError", "RecordError", "SamplingError"]


class AuditError(ValueError):
    """Base of every error raised by the audit rules (a ``ValueError``: the input is wrong)."""


class SamplingError(AuditError):
    """The candidates, design or seed of an audit sample are invalid."""


class PlanEditError(AuditError):
    """A manual addition or removal cannot be applied to the plan."""


class RecordError(AuditError):
    """An audit record is malformed (e.g. satisfaction outside 1–5)."""


class CrossCheckError(AuditError):
    """Audit records and visits cannot be compared (duplicates, bad period)."""
