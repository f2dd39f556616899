"""Rows for visits and the position fixes that are their evidence."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain import Carrier, CoordinateSystem, FixPhase, FixSource, Verdict
from gql.store.models.base import Base, UtcDateTime, enum_type

__all__ = ["PositionFixRow", "VisitRow"]


class VisitRow(Base):
    """``visits``: the device's idempotency key is unique per manager, so retries dedupe."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.UniqueConstraint("manager_id", "idempotency_key"),
        sa.Index("ix_visits_manager_id_started_at", "manager_id", "started_at"),
        sa.CheckConstraint(
            "probability IS NULL OR (probability >= 0 AND probability <= 1)",
            name="probability_range",
        ),
        sa.CheckConstraint("distance_m IS NULL OR distance_m >= 0", name="distance_non_negative"),
        sa.CheckConstraint("dwell_s IS NULL OR dwell_s >= 0", name="dwell_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="RESTRICT"), index=True
    )
    plan_stop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_stops.id", ondelete="SET NULL"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    device_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    device_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    late_upload: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, "verdict"), index=True)
    distance_m: Mapped[float | None] = mapped_column(sa.Double)
    probability: Mapped[float | None] = mapped_column(sa.Double)
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    flags: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    dwell_s: Mapped[int | None] = mapped_column(sa.Integer)
    evidence_reduced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When raw positions and carrier text were stripped (retention, ``docs/privacy.md``)."""


class PositionFixRow(Base):
    """``position_fixes``: a fix as received (its own datum), with masked carrier text.

    ``lat``/``lon`` and the carrier text are ``NULL`` once the visit's evidence was reduced;
    phase, source, accuracy, time, carrier and outcome stay.
    """

    __tablename__ = "position_fixes"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint("accuracy_m >= 0", name="accuracy_non_negative"),
        # the reused-coordinates check looks a position up in its datum (migration 0026)
        sa.Index("ix_position_fixes_datum_lat_lon", "coordinate_system", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[FixPhase] = mapped_column(enum_type(FixPhase, "phase"))
    source: Mapped[FixSource] = mapped_column(enum_type(FixSource, "source"))
    lat: Mapped[float | None] = mapped_column(sa.Double)
    lon: Mapped[float | None] = mapped_column(sa.Double)
    coordinate_system: Mapped[CoordinateSystem] = mapped_column(
        enum_type(CoordinateSystem, "coordinate_system")
    )
    accuracy_m: Mapped[float] = mapped_column(sa.Double)
    captured_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stale: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    carrier: Mapped[Carrier | None] = mapped_column(enum_type(Carrier, "carrier"))
    outcome_code: Mapped[str | None] = mapped_column(sa.String(16))
    raw_request: Mapped[str | None] = mapped_column(sa.Text)
    raw_answer: Mapped[str | None] = mapped_column(sa.Text)
