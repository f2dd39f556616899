"""Retailers: DataLoader batches, filtered keyset lists, bulk writes and idempotent upserts."""

from __future__ import annotations

import builtins
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain import (
    MAX_GRADE,
    BusinessType,
    OpeningWindow,
    Retailer,
    RetailerDraft,
    RetailerStatus,
    canonical_windows,
)
from gql.store.models import Base
from gql.store.repositories._paging import Keyset, Page
from gql.store.repositories.assignments import AssignmentRepository

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

__all__ = [
    "BoundingBox",
    "RetailerFilter",
    "RetailerRepository",
    "StaleRetailer",
    "UpsertCounts",
]

_RETAILERS = Base.metadata.tables["retailers"]
_WINDOWS = Base.metadata.tables["opening_windows"]  # Core inserts skip the ORM's bookkeeping
_IN_CHUNK = 500
"""Keys per ``IN (...)`` list; keeps statements far below SQLite's variable limit."""


class StaleRetailer(RuntimeError):
    """A retailer changed between reading and writing it (its row version moved on)."""


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A WGS-84 box given south-west then north-east corner (lat before lon)."""

    south_lat: float
    west_lon: float
    north_lat: float
    east_lon: float

    def __post_init__(self) -> None:
        values = (self.south_lat, self.west_lon, self.north_lat, self.east_lon)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("bounding box corners must be finite numbers")
        if not -90 <= self.south_lat <= self.north_lat <= 90:
            raise ValueError("bounding box needs -90 <= south_lat <= north_lat <= 90")
        if not -180 <= self.west_lon <= self.east_lon <= 180:
            raise ValueError("bounding box needs -180 <= west_lon <= east_lon <= 180")


@dataclass(frozen=True, slots=True)
class RetailerFilter:
    """Conditions for :meth:`RetailerRepository.page`, combined with AND.

    ``None`` or an empty collection means "any": a caller whose scope allows nothing must
    not call at all (return an empty page itself). ``ids`` restricts to those retailers
    (for example the hits of a spatial "near" query). ``bbox`` is a :class:`BoundingBox` or
    a ``(south_lat, west_lon, north_lat, east_lon)`` tuple. ``text`` matches name, licence
    number or address, case-insensitively.
    """

    manager_ids: Collection[int] | None = None
    business_types: Collection[BusinessType] | None = None
    statuses: Collection[RetailerStatus] | None = None
    grade_min: int | None = None
    grade_max: int | None = None
    key_customer: bool | None = None
    bbox: BoundingBox | tuple[float, float, float, float] | None = None
    ids: Collection[int] | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        low = 1 if self.grade_min is None else self.grade_min
        high = MAX_GRADE if self.grade_max is None else self.grade_max
        if not 1 <= low <= high <= MAX_GRADE:
            raise ValueError(
                f"grade range {low}..{high} must lie within 1..{MAX_GRADE}, low <= high"
            )
        if isinstance(self.bbox, tuple):
            object.__setattr__(self, "bbox", BoundingBox(*self.bbox))

    @property
    def box(self) -> BoundingBox | None:
        """The bounding box as a named type (tuples are converted on construction)."""
        return self.bbox if isinstance(self.bbox, BoundingBox) else None


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What an upsert did, by natural key."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class _Collected:
    rows: dict[int, sa.Row[Any]] = field(default_factory=dict)
    windows: defaultdict[int, list[OpeningWindow]] = field(
        default_factory=lambda: defaultdict(list)
    )


class RetailerRepository:
    """Reads and writes retailers; returns :class:`~gql.domain.Retailer`, never rows.

    Reads and writes are Core statements on the tables: bulk speed, explicit version
    checks, and no identity map that could answer a read with what a row held before a
    write in the same session.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def get_many(self, ids: Sequence[int]) -> builtins.list[Retailer | None]:
        """Return retailers in the order of ``ids`` (``None`` where absent), in one statement.

        Made for DataLoaders: retailers and their opening windows come from one outer join.
        """
        if not ids:
            return []
        found = self._load(sa.and_(_RETAILERS.c.id.in_(set(ids))))
        return [found.get(i) for i in ids]

    def count(self) -> int:
        """Return how many retailers exist (any status)."""
        return self._session.scalar(sa.select(sa.func.count()).select_from(_RETAILERS)) or 0

    def watermark(self) -> tuple[int | None, datetime | None]:
        """Return (highest id, latest ``updated_at``): changes whenever retailers change.

        Asked before every spatial query, so an in-memory index can tell that another
        process or an import changed the table and rebuild. Both parts are index lookups,
        whatever the table's size: an insert raises the id, an update (which every write
        path stamps) the time. Retailers are never deleted (a closed licence is a status).
        """
        highest, latest = self._session.execute(
            sa.select(sa.func.max(_RETAILERS.c.id), sa.func.max(_RETAILERS.c.updated_at))
        ).one()
        return highest, latest

    def positions(self) -> tuple[builtins.list[int], builtins.list[float], builtins.list[float]]:
        """Return every retailer's id, lat and lon (WGS-84) as parallel lists, by id."""
        ids: builtins.list[int] = []
        lats: builtins.list[float] = []
        lons: builtins.list[float] = []
        statement = sa.select(_RETAILERS.c.id, _RETAILERS.c.lat, _RETAILERS.c.lon).order_by(
            _RETAILERS.c.id
        )
        for rid, lat, lon in self._session.execute(statement):
            ids.append(rid)
            lats.append(lat)
            lons.append(lon)
        return ids, lats, lons

    def positions_where(
        self, where: RetailerFilter
    ) -> tuple[builtins.list[float], builtins.list[float]]:
        """Lat and lon (WGS-84) of the retailers ``where`` selects, as parallel lists."""
        statement = sa.select(_RETAILERS.c.lat, _RETAILERS.c.lon).where(*_conditions(where))
        rows = self._session.execute(statement).all()
        return [r[0] for r in rows], [r[1] for r in rows]

    def page(
        self,
        where: RetailerFilter | None = None,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
    ) -> Page[Retailer]:
        """Return the page of retailers matching ``where`` with id greater than ``after``.

        Two statements: the page (``first + 1`` rows, to know whether more follow) carrying
        the filter's total as a scalar subquery, then the page's opening windows. Only a
        page past the end, which has no row to carry the total, counts separately.
        """
        keys = Keyset.of(first, after, last, before)
        conditions = _conditions(where or RetailerFilter())
        counted = sa.select(sa.func.count()).select_from(_RETAILERS).where(*conditions)
        page_conditions = builtins.list(conditions)
        page_conditions += keys.conditions(_RETAILERS.c.id)
        read = self._session.execute(
            sa.select(_RETAILERS, counted.scalar_subquery().label("total_count"))
            .where(*page_conditions)
            .order_by(keys.order(_RETAILERS.c.id))
            .limit(keys.size + 1)
        ).all()
        if read:
            total = read[0].total_count
        elif after is None and before is None:
            total = 0  # nothing matches at all
        else:
            total = self._session.scalar(counted)
        rows, has_next, has_previous = keys.cut(builtins.list(read))
        windows = self._windows_for([r.id for r in rows])
        items = [(r.id, _to_domain(r, windows.get(r.id, []))) for r in rows]
        return Page(
            items=items, has_next=has_next, has_previous=has_previous, total_count=total or 0
        )

    def ids_by_licence_no(self, licence_nos: Iterable[str]) -> dict[str, int]:
        """Map each known licence number to its retailer id (unknown ones are left out)."""
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(licence_nos))):
            statement = sa.select(_RETAILERS.c.licence_no, _RETAILERS.c.id).where(
                _RETAILERS.c.licence_no.in_(chunk)
            )
            found.update({licence: rid for licence, rid in self._session.execute(statement)})
        return found

    def by_licence_nos(self, licence_nos: Iterable[str]) -> dict[str, Retailer]:
        """Return the known retailers among ``licence_nos``, keyed by licence number."""
        found: dict[str, Retailer] = {}
        for chunk in _chunks(sorted(set(licence_nos))):
            for retailer in self._load(_RETAILERS.c.licence_no.in_(chunk)).values():
                found[retailer.licence_no] = retailer
        return found

    def add_many(self, drafts: Sequence[RetailerDraft], *, now: datetime) -> builtins.list[int]:
        """Insert new retailers and their windows in bulk; return their ids in input order."""
        if not drafts:
            return []
        ids = builtins.list(
            self._session.scalars(
                sa.insert(_RETAILERS).returning(_RETAILERS.c.id, sort_by_parameter_order=True),
                [_row_values(d, now=now, version=1) for d in drafts],
            )
        )
        self._insert_windows(zip(ids, drafts, strict=True))
        AssignmentRepository(self._session).sync(ids, now=now)
        return ids

    def upsert_many(
        self,
        drafts: Sequence[RetailerDraft],
        *,
        now: datetime,
        existing: Mapping[str, Retailer] | None = None,
    ) -> UpsertCounts:
        """Insert or update by licence number; identical data counts as unchanged.

        An update bumps ``version`` and ``updated_at`` and replaces the opening windows.
        ``existing`` (from :meth:`by_licence_nos`, same session) saves reading them again;
        a retailer changed since then is caught by its version (:class:`StaleRetailer`).
        """
        if existing is None:
            existing = self.by_licence_nos(d.licence_no for d in drafts)
        new = [d for d in drafts if d.licence_no not in existing]
        changed = [
            (existing[d.licence_no], d)
            for d in drafts
            if d.licence_no in existing and existing[d.licence_no].draft() != _canonical(d)
        ]
        self.add_many(new, now=now)
        for current, draft in changed:
            self._update(current.id, draft, version=current.version, now=now)
        changed_ids = [current.id for current, _ in changed]
        AssignmentRepository(self._session).sync(
            [c.id for c, d in changed if c.manager_id != d.manager_id], now=now
        )
        for chunk in _chunks(changed_ids):
            self._session.execute(sa.delete(_WINDOWS).where(_WINDOWS.c.retailer_id.in_(chunk)))
        self._insert_windows((current.id, draft) for current, draft in changed)
        return UpsertCounts(
            inserted=len(new),
            updated=len(changed),
            unchanged=len(drafts) - len(new) - len(changed),
        )

    def replace(
        self, retailer_id: int, draft: RetailerDraft, *, expected_version: int, now: datetime
    ) -> int:
        """Overwrite a retailer (and its windows) if it is still at ``expected_version``.

        Returns the new version. ``created_at`` is kept; ``updated_at`` becomes ``now``.

        Raises
        ------
        StaleRetailer
            If the retailer does not exist or its version moved on since it was read.
        """
        self._update(retailer_id, draft, version=expected_version, now=now)
        self._session.execute(sa.delete(_WINDOWS).where(_WINDOWS.c.retailer_id == retailer_id))
        self._insert_windows([(retailer_id, draft)])
        AssignmentRepository(self._session).sync([retailer_id], now=now)
        return expected_version + 1

    def _update(
        self, retailer_id: int, draft: RetailerDraft, *, version: int, now: datetime
    ) -> None:
        values = _row_values(draft, now=now, version=version + 1)
        del values["created_at"]
        result = self._session.connection().execute(
            sa.update(_RETAILERS)
            .where(_RETAILERS.c.id == retailer_id, _RETAILERS.c.version == version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise StaleRetailer(
                f"retailer {draft.licence_no} was changed or removed by someone else "
                f"since version {version}; reload and retry"
            )

    def _insert_windows(self, pairs: Iterable[tuple[int, RetailerDraft]]) -> None:
        rows = [
            {"retailer_id": rid, "weekday": w.weekday, "open_s": w.open_s, "close_s": w.close_s}
            for rid, draft in pairs
            for w in draft.opening_windows
        ]
        if rows:
            # RETURNING makes SQLAlchemy batch rows into multi-VALUES statements
            # ("insertmanyvalues") instead of one statement per row on psycopg.
            self._session.execute(sa.insert(_WINDOWS).returning(_WINDOWS.c.id), rows)

    def active_of_managers(self, manager_ids: Sequence[int]) -> builtins.list[Retailer]:
        """The ACTIVE retailers of these managers, with their opening windows, by id."""
        if not manager_ids:
            return []
        found = self._load(
            sa.and_(
                _RETAILERS.c.manager_id.in_(sorted(set(manager_ids))),
                _RETAILERS.c.status == "ACTIVE",
            )
        )
        return list(found.values())

    def _load(self, condition: sa.ColumnElement[bool]) -> dict[int, Retailer]:
        statement = (
            sa.select(
                _RETAILERS,
                _WINDOWS.c.id.label("window_id"),
                _WINDOWS.c.weekday.label("window_weekday"),
                _WINDOWS.c.open_s.label("window_open_s"),
                _WINDOWS.c.close_s.label("window_close_s"),
            )
            .select_from(_RETAILERS.outerjoin(_WINDOWS, _WINDOWS.c.retailer_id == _RETAILERS.c.id))
            .where(condition)
            .order_by(_RETAILERS.c.id, _WINDOWS.c.id)
        )
        collected = _Collected()
        for row in self._session.execute(statement):
            collected.rows.setdefault(row.id, row)
            if row.window_id is not None:
                collected.windows[row.id].append(
                    OpeningWindow(row.window_open_s, row.window_close_s, row.window_weekday)
                )
        return {
            rid: _to_domain(row, collected.windows.get(rid, []))
            for rid, row in collected.rows.items()
        }

    def _windows_for(self, ids: Sequence[int]) -> dict[int, builtins.list[OpeningWindow]]:
        windows: defaultdict[int, builtins.list[OpeningWindow]] = defaultdict(list)
        if not ids:
            return windows
        statement = (
            sa.select(_WINDOWS).where(_WINDOWS.c.retailer_id.in_(ids)).order_by(_WINDOWS.c.id)
        )
        for row in self._session.execute(statement).all():
            windows[row.retailer_id].append(OpeningWindow(row.open_s, row.close_s, row.weekday))
        return windows


def _conditions(where: RetailerFilter) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if where.ids:
        conditions.append(_RETAILERS.c.id.in_(sorted(where.ids)))
    if where.manager_ids:
        conditions.append(_RETAILERS.c.manager_id.in_(sorted(where.manager_ids)))
    if where.business_types:
        conditions.append(_RETAILERS.c.business_type.in_(sorted(where.business_types)))
    if where.statuses:
        conditions.append(_RETAILERS.c.status.in_(sorted(where.statuses)))
    if where.grade_min is not None:
        conditions.append(_RETAILERS.c.grade >= where.grade_min)
    if where.grade_max is not None:
        conditions.append(_RETAILERS.c.grade <= where.grade_max)
    if where.key_customer is not None:
        conditions.append(_RETAILERS.c.key_customer.is_(where.key_customer))
    box = where.box
    if box is not None:
        conditions.append(_RETAILERS.c.lat.between(box.south_lat, box.north_lat))
        conditions.append(_RETAILERS.c.lon.between(box.west_lon, box.east_lon))
    text = (where.text or "").strip()
    if text:
        conditions.append(
            sa.or_(
                _RETAILERS.c.name.icontains(text, autoescape=True),
                _RETAILERS.c.licence_no.icontains(text, autoescape=True),
                _RETAILERS.c.address.icontains(text, autoescape=True),
            )
        )
    return conditions


def _canonical(draft: RetailerDraft) -> RetailerDraft:
    if draft.opening_windows == canonical_windows(draft.opening_windows):
        return draft
    return RetailerDraft(
        **{
            name: getattr(draft, name)
            for name in RetailerDraft.__dataclass_fields__
            if name != "opening_windows"
        },
        opening_windows=canonical_windows(draft.opening_windows),
    )


def _row_values(draft: RetailerDraft, *, now: datetime, version: int) -> dict[str, Any]:
    return {
        "licence_no": draft.licence_no,
        "name": draft.name,
        "address": draft.address,
        "lat": draft.lat,
        "lon": draft.lon,
        "business_type": draft.business_type,
        "grade": draft.grade,
        "key_customer": draft.key_customer,
        "service_time_s": draft.service_time_s,
        "order_weekday": draft.order_weekday,
        "status": draft.status,
        "manager_id": draft.manager_id,
        "area_code": draft.area_code,
        "created_at": now,
        "updated_at": now,
        "version": version,
    }


def _to_domain(row: sa.Row[Any], windows: Sequence[OpeningWindow]) -> Retailer:
    return Retailer(
        id=row.id,
        licence_no=row.licence_no,
        name=row.name,
        address=row.address,
        lat=row.lat,
        lon=row.lon,
        business_type=row.business_type,
        grade=row.grade,
        key_customer=row.key_customer,
        service_time_s=row.service_time_s,
        order_weekday=row.order_weekday,
        status=row.status,
        manager_id=row.manager_id,
        area_code=row.area_code,
        opening_windows=canonical_windows(windows),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
