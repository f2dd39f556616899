"""Ask for a proposal, a CSV import or a report refresh as a job; read and cancel jobs.

Only the planners who may create proposals (marketing) request planning jobs; an import job
whoever may upload that kind of file. A job is visible to its requester and to marketing, and
looks missing to everyone else. The request is checked as the synchronous mutation checks it
(so bad input is answered at once, not by a failed job), then queued; a district has at most
one active planning job, and asking again returns that one. Imports queue one after another,
each with its file; an import's row problems come back as the failed job's ``result``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from gql.domain import Role
from gql.domain.jobs import Job, JobKind
from gql.services.access import Principal, signed_in
from gql.services.directory.uploads import ImportKind, UploadService
from gql.services.errors import Forbidden, NotFound
from gql.services.territories.district_barriers import district_key
from gql.services.territories.service import ScheduleCommand, TerritoryCommand, TerritoryService
from gql.store.repositories.jobs import JobRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from sqlalchemy.orm import Session

    from gql.services.directory.importing import CsvFile

__all__ = ["REPORT_REFRESH_KEY", "JobService"]

REPORT_REFRESH_KEY = "reports"
"""The one report refresh that may be queued or running at a time."""


class JobService:
    """Request, read and cancel planning jobs."""

    def __init__(
        self, session: Session, principal: Principal | None, now: Callable[[], datetime]
    ) -> None:
        self._session = session
        self._principal = principal
        self._now = now
        self._jobs = JobRepository(session)

    def request_territories(self, command: TerritoryCommand) -> Job:
        """Check the command as ``territoryProposalCreate`` would, then queue it."""
        principal = signed_in(self._principal)
        TerritoryService(self._session, principal).territory_job(command)  # raises on bad input
        arguments = {
            "kind": "territories",
            "department_id": command.department_id,
            "managers": command.managers,
            "locked_retailer_ids": list(command.locked_retailer_ids),
            "warm_start": command.warm_start,
            "locked_manager_ids": list(command.locked_manager_ids),
            "staff_no": principal.staff_no,
        }
        key = district_key(command.department_id)  # one active job per district
        return self._queue(JobKind.TERRITORIES, key, arguments, principal)

    def request_schedule(self, command: ScheduleCommand) -> Job:
        """Check the command as ``scheduleProposalCreate`` would, then queue it."""
        principal = signed_in(self._principal)
        job = TerritoryService(self._session, principal).schedule_job(command)
        arguments = {
            "kind": "schedule",
            "department_id": job.department_id,
            "territory_proposal_id": command.territory_proposal_id,
            "cap_hours": command.cap_hours,
            "max_order_day_change_share": command.max_order_day_change_share,
            "staff_no": principal.staff_no,
        }
        return self._queue(JobKind.SCHEDULE, district_key(job.department_id), arguments, principal)

    def request_import(self, kind: ImportKind, source: CsvFile) -> Job:
        """Check the caller's right and the file's size as ``csvImport`` would, then queue it."""
        principal = UploadService(self._session, self._principal, clock=self._now).check(
            kind, source
        )
        arguments = {
            "kind": "import",
            "import_kind": kind.value,
            "file_name": source.name[:200],
            "staff_no": principal.staff_no,
        }
        key = f"import:{uuid.uuid4().hex}"  # imports don't merge: each file is its own job
        return self._queue(JobKind.IMPORT, key, arguments, principal, payload=source.data)

    def request_report_refresh(self, *, full: bool) -> Job:
        """Queue a refresh of the report aggregates (marketing); one runs at a time.

        Asking while one is queued or running returns that one (two refreshes of the same
        marks would only repeat each other's work).
        """
        principal = signed_in(self._principal)
        if principal.role is not Role.MARKETING:
            raise Forbidden("refresh the report aggregates")
        arguments = {"kind": "report_refresh", "full": full, "staff_no": principal.staff_no}
        return self._queue(JobKind.REPORT_REFRESH, REPORT_REFRESH_KEY, arguments, principal)

    def _queue(
        self,
        kind: JobKind,
        key: str,
        arguments: Mapping[str, object],
        who: Principal,
        *,
        payload: bytes | None = None,
    ) -> Job:
        made = self._jobs.add(kind, key, dict(arguments), who.staff_id, self._now(), payload)
        job = self._jobs.get(made)
        assert job is not None
        return job

    def find(self, job_id: int) -> Job | None:
        """A job its requester or marketing may see; ``None`` otherwise, as if missing."""
        principal = signed_in(self._principal)
        job = self._jobs.get(job_id)
        if job is None or not (
            principal.role is Role.MARKETING or job.requested_by == principal.staff_id
        ):
            return None
        return job

    def get(self, job_id: int) -> Job:
        """As :meth:`find`, raising :class:`NotFound`."""
        job = self.find(job_id)
        if job is None:
            raise NotFound(f"no job {job_id}", field=("id",))
        return job

    def cancel(self, job_id: int) -> Job:
        """Cancel a queued job now, a running one at its next progress report."""
        self.get(job_id)
        self._jobs.cancel(job_id, self._now())
        return self.get(job_id)
