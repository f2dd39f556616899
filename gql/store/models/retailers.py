"""Rows for retailers and their opening windows."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain import BusinessType, RetailerStatus
from gql.store.models.base import Base, UtcDateTime, enum_type, utcnow

__all__ = ["OpeningWindowRow", "RetailerRow"]


class RetailerRow(Base):
    """``retailers``: the licensed-retailer geographic database (R1.4), WGS-84 positions."""

    __tablename__ = "retailers"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint("grade BETWEEN 1 AND 30", name="grade_range"),
        sa.CheckConstraint("service_time_s > 0", name="service_time_positive"),
        sa.CheckConstraint("order_weekday BETWEEN 0 AND 6", name="order_weekday_range"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_retailers_lat_lon", "lat", "lon"),
        # the spatial index's freshness check reads max(updated_at) before every search
        sa.Index("ix_retailers_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(255))
    lat: Mapped[float] = mapped_column(sa.Double)
    lon: Mapped[float] = mapped_column(sa.Double)
    business_type: Mapped[BusinessType] = mapped_column(
        enum_type(BusinessType, "business_type"), index=True
    )
    grade: Mapped[int] = mapped_column(sa.SmallInteger)
    key_customer: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    service_time_s: Mapped[int] = mapped_column(sa.Integer)
    order_weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    status: Mapped[RetailerStatus] = mapped_column(enum_type(RetailerStatus, "status"), index=True)
    manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="SET NULL"), index=True
    )
    area_code: Mapped[str] = mapped_column(sa.String(12), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API


class OpeningWindowRow(Base):
    """``opening_windows``: several per day are common (a midday break is two windows)."""

    __tablename__ = "opening_windows"
    __table_args__ = (
        sa.CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint(
            "open_s >= 0 AND open_s < close_s AND close_s <= 86400", name="window_in_day"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int | None] = mapped_column(sa.SmallInteger)
    open_s: Mapped[int] = mapped_column(sa.Integer)
    close_s: Mapped[int] = mapped_column(sa.Integer)
