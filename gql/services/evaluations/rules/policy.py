"""The versioned scoring policy: typed, validated, loaded from TOML.

The rules are the company's, not the code's, so every number of the evaluation lives in a TOML
file with a ``version`` key. The packaged ``policy.toml`` carries the values of the source paper;
a region may supply its own file with the same keys. Unknown keys are rejected (a typo must not
silently fall back to a default) and every value is range-checked.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from gql.services.evaluations.rules.errors import PolicyError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = [
    "BREACH_WINDOWS",
    "NO_TARGET_TREATMENTS",
    "SCOPES",
    "AbilityWeights",
    "AuditFindingPoints",
    "BasicWorkPolicy",
    "BusinessPolicy",
    "ClassificationPolicy",
    "DisciplinePolicy",
    "EventPolicy",
    "GoalPolicy",
    "InitiativeWeights",
    "RankingPolicy",
    "ReviewPolicy",
    "ScopePolicy",
    "ScoringPolicy",
    "SupervisorPolicy",
    "TrainingPolicy",
    "Weights",
    "default_policy",
    "load_policy",
    "parse_policy",
]


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the two scored parts; they must sum to 1 (第八条: 60% / 40%)."""

    business: float
    quality: float


@dataclass(frozen=True, slots=True)
class BusinessPolicy:
    """How target completion becomes business points."""

    full_points: float
    completion_cap: float
    target_missed_below: float
    no_target: str
    """``quality_only`` (ours, default), ``zero`` or ``full``: see docs/scoring.md §1."""


@dataclass(frozen=True, slots=True)
class DisciplinePolicy:
    """Deductions and dismissal thresholds of the discipline item (作风纪律)."""

    full_points: float
    breach_points: float
    breaches_for_zero: int
    complaint_points: float
    complaints_for_dismissal: int
    max_single_leave_days: int
    leaves_for_dismissal: int
    breach_window: str
    """Span over which breaches and complaints count towards their limits (累计)."""


@dataclass(frozen=True, slots=True)
class SupervisorPolicy:
    """Deductions that a manager's complaints and veto findings cost the department's heads."""

    complaint_head_points: float
    complaint_deputy_points: float
    veto_head_points: float


@dataclass(frozen=True, slots=True)
class AuditFindingPoints:
    """Basic-work points deducted per audit finding kind (our mapping, see docs/scoring.md)."""

    visit_not_in_place: float
    price_tags_missing: float
    policy_not_promoted: float


@dataclass(frozen=True, slots=True)
class BasicWorkPolicy:
    """Deductions of the basic-work item (基础工作)."""

    full_points: float
    item_points: float
    audit_findings: AuditFindingPoints


@dataclass(frozen=True, slots=True)
class TrainingPolicy:
    """Deductions of the training item (培训成绩)."""

    full_points: float
    exam_full_mark: float
    exam_pass_mark: float
    fail_points: float


@dataclass(frozen=True, slots=True)
class EventPolicy:
    """Ranges of recorded inputs (ours): how far back or ahead, how long a leave."""

    max_days_back: int
    leave_lead_days: int
    max_leave_days: int


@dataclass(frozen=True, slots=True)
class ScopePolicy:
    """Which population each ranking rule compares (``company`` or ``department``)."""

    quarterly_elimination: str
    annual_honours: str


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """Days after a period's end by which its review meeting must be held."""

    monthly_days_after: int
    quarterly_days_after: int


@dataclass(frozen=True, slots=True)
class RankingPolicy:
    """Rounding for ties, elimination cut and honours counts (第十条)."""

    score_decimals: int
    eliminate_lowest: int
    target_missed_months_running: int
    min_months_for_elimination: int
    model_workers: int
    advanced_workers: int
    min_months_for_honours: int


@dataclass(frozen=True, slots=True)
class AbilityWeights:
    """Weights of the ability measure's components; they must sum to 1."""

    sales: float
    training: float
    basic_work: float


@dataclass(frozen=True, slots=True)
class InitiativeWeights:
    """Weights of the initiative measure's components; they must sum to 1."""

    discipline: float
    verified_visits: float
    goals: float


@dataclass(frozen=True, slots=True)
class ClassificationPolicy:
    """Thresholds (0–100) and component weights of the four-quadrant classification."""

    ability_high: float
    initiative_high: float
    ability_weights: AbilityWeights
    initiative_weights: InitiativeWeights


@dataclass(frozen=True, slots=True)
class GoalPolicy:
    """Goal-setting limits (essay 4)."""

    max_per_period: int


@dataclass(frozen=True, slots=True)
class ScoringPolicy:
    """The whole evaluation policy; ``version`` is stored with every result computed from it."""

    version: str
    weights: Weights
    business: BusinessPolicy
    discipline: DisciplinePolicy
    supervisors: SupervisorPolicy
    basic_work: BasicWorkPolicy
    training: TrainingPolicy
    events: EventPolicy
    review: ReviewPolicy
    ranking: RankingPolicy
    scope: ScopePolicy
    classification: ClassificationPolicy
    goals: GoalPolicy


class _Table:
    """Reads one TOML table, tracking the dotted key path and collecting every problem.

    A bad value is recorded in ``problems`` and replaced by a harmless stand-in, so one pass
    over the file reports every problem (a region's author fixes the file in one round).
    """

    def __init__(
        self, data: Mapping[str, Any] | None, path: str, problems: list[PolicyError]
    ) -> None:
        self._data = data
        self._path = path
        self._seen: set[str] = set()
        self._problems = problems
        self._before = len(problems)

    @property
    def ok(self) -> bool:
        """No problem was found in this table (so far)."""
        return self._data is not None and len(self._problems) == self._before

    def _key(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def _fail(self, name: str, problem: str) -> None:
        self._problems.append(PolicyError(self._key(name), problem))

    def _raw(self, name: str) -> Any:
        if self._data is None:  # the table itself is missing (reported once)
            return _MISSING
        if name not in self._data:
            self._fail(name, "is missing")
            return _MISSING
        self._seen.add(name)
        return self._data[name]

    def table(self, name: str) -> _Table:
        value = self._raw(name)
        if value is not _MISSING and not isinstance(value, dict):
            self._fail(name, "must be a table")
        return _Table(value if isinstance(value, dict) else None, self._key(name), self._problems)

    def text(self, name: str) -> str:
        value = self._raw(name)
        if value is _MISSING:
            return "?"
        if not isinstance(value, str) or not value.strip():
            self._fail(name, "must be a non-empty string")
            return "?"
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self._raw(name)
        if value is _MISSING:
            return choices[0]
        if value not in choices:
            self._fail(name, f"must be one of {', '.join(repr(c) for c in choices)}, got {value!r}")
            return choices[0]
        return str(value)

    def number(self, name: str, *, low: float, high: float = math.inf) -> float:
        value = self._raw(name)
        if value is _MISSING:
            return low
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._fail(name, f"must be a number, got {type(value).__name__}")
            return low
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            self._fail(name, f"must be in [{low}, {high}], got {value}")
            return low
        return number

    def integer(self, name: str, *, low: int, high: int = 10**6) -> int:
        value = self._raw(name)
        if value is _MISSING:
            return low
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(name, f"must be an integer, got {type(value).__name__}")
            return low
        if not low <= value <= high:
            self._fail(name, f"must be in [{low}, {high}], got {value}")
            return low
        return value

    def done(self) -> None:
        if self._data is None:
            return
        for unknown in sorted(set(self._data) - self._seen):
            self._fail(unknown, "is not a known policy key")

    def sums_to_one(self, key: str, *parts: float) -> None:
        """Weights of one table must sum to 1 (checked only when they were read cleanly)."""
        if self.ok and not math.isclose(sum(parts), 1.0, abs_tol=1e-9):
            self._problems.append(PolicyError(key, f"weights must sum to 1, got {sum(parts)}"))


_MISSING = object()

BREACH_WINDOWS = ("rolling_12_months", "year", "quarter", "month")
"""Spans over which breaches and complaints are counted towards their limits (累计)."""
NO_TARGET_TREATMENTS = ("quality_only", "zero", "full")
"""What a month without a sales target scores on the business part (see docs/scoring.md)."""
SCOPES = ("company", "department")
"""Populations a ranking rule compares: the whole company, or each customer-service department."""


def parse_policy(data: Mapping[str, Any]) -> ScoringPolicy:
    """Build a validated :class:`ScoringPolicy` from a parsed TOML mapping.

    Parameters
    ----------
    data : Mapping[str, Any]
        The document as returned by :func:`tomllib.loads`.

    Returns
    -------
    ScoringPolicy
        The policy; it is frozen, so a result can keep a reference to the rules it used.

    Raises
    ------
    PolicyError
        For every missing, unknown, mistyped or out-of-range key, naming its dotted path: the
        first problem is the error's own ``key``/``problem``, all of them are in ``problems``.
    """
    problems: list[PolicyError] = []
    root = _Table(data, "", problems)
    version = root.text("version")

    t = root.table("weights")
    weights = Weights(t.number("business", low=0, high=1), t.number("quality", low=0, high=1))
    t.done()
    t.sums_to_one("weights", weights.business, weights.quality)

    t = root.table("business")
    business = BusinessPolicy(
        full_points=t.number("full_points", low=1),
        completion_cap=t.number("completion_cap", low=1, high=10),
        target_missed_below=t.number("target_missed_below", low=0, high=10),
        no_target=t.choice("no_target", NO_TARGET_TREATMENTS),
    )
    t.done()

    t = root.table("discipline")
    discipline = DisciplinePolicy(
        full_points=t.number("full_points", low=1),
        breach_points=t.number("breach_points", low=0),
        breaches_for_zero=t.integer("breaches_for_zero", low=1),
        complaint_points=t.number("complaint_points", low=0),
        complaints_for_dismissal=t.integer("complaints_for_dismissal", low=1),
        max_single_leave_days=t.integer("max_single_leave_days", low=1),
        leaves_for_dismissal=t.integer("leaves_for_dismissal", low=1),
        breach_window=t.choice("breach_window", BREACH_WINDOWS),
    )
    t.done()

    t = root.table("supervisors")
    supervisors = SupervisorPolicy(
        complaint_head_points=t.number("complaint_head_points", low=0),
        complaint_deputy_points=t.number("complaint_deputy_points", low=0),
        veto_head_points=t.number("veto_head_points", low=0),
    )
    t.done()

    t = root.table("basic_work")
    f = t.table("audit_findings")
    findings = AuditFindingPoints(
        visit_not_in_place=f.number("visit_not_in_place", low=0),
        price_tags_missing=f.number("price_tags_missing", low=0),
        policy_not_promoted=f.number("policy_not_promoted", low=0),
    )
    f.done()
    basic_work = BasicWorkPolicy(
        full_points=t.number("full_points", low=1),
        item_points=t.number("item_points", low=0),
        audit_findings=findings,
    )
    t.done()

    t = root.table("training")
    training = TrainingPolicy(
        full_points=t.number("full_points", low=1),
        exam_full_mark=t.number("exam_full_mark", low=1),
        exam_pass_mark=t.number("exam_pass_mark", low=0),
        fail_points=t.number("fail_points", low=0),
    )
    t.done()
    if t.ok and training.exam_pass_mark > training.exam_full_mark:
        problems.append(PolicyError("training.exam_pass_mark", "must not exceed exam_full_mark"))

    t = root.table("events")
    events = EventPolicy(
        max_days_back=t.integer("max_days_back", low=0, high=3660),
        leave_lead_days=t.integer("leave_lead_days", low=0, high=366),
        max_leave_days=t.integer("max_leave_days", low=1, high=3660),
    )
    t.done()

    t = root.table("review")
    review = ReviewPolicy(
        monthly_days_after=t.integer("monthly_days_after", low=0, high=31),
        quarterly_days_after=t.integer("quarterly_days_after", low=0, high=92),
    )
    t.done()

    t = root.table("ranking")
    ranking = RankingPolicy(
        score_decimals=t.integer("score_decimals", low=0, high=6),
        eliminate_lowest=t.integer("eliminate_lowest", low=0),
        target_missed_months_running=t.integer("target_missed_months_running", low=1, high=12),
        min_months_for_elimination=t.integer("min_months_for_elimination", low=1, high=3),
        model_workers=t.integer("model_workers", low=0),
        advanced_workers=t.integer("advanced_workers", low=0),
        min_months_for_honours=t.integer("min_months_for_honours", low=1, high=12),
    )
    t.done()

    t = root.table("scope")
    scope = ScopePolicy(
        quarterly_elimination=t.choice("quarterly_elimination", SCOPES),
        annual_honours=t.choice("annual_honours", SCOPES),
    )
    t.done()

    t = root.table("classification")
    a = t.table("ability_weights")
    ability = AbilityWeights(
        sales=a.number("sales", low=0, high=1),
        training=a.number("training", low=0, high=1),
        basic_work=a.number("basic_work", low=0, high=1),
    )
    a.done()
    a.sums_to_one(
        "classification.ability_weights", ability.sales, ability.training, ability.basic_work
    )
    i = t.table("initiative_weights")
    initiative = InitiativeWeights(
        discipline=i.number("discipline", low=0, high=1),
        verified_visits=i.number("verified_visits", low=0, high=1),
        goals=i.number("goals", low=0, high=1),
    )
    i.done()
    i.sums_to_one(
        "classification.initiative_weights",
        initiative.discipline,
        initiative.verified_visits,
        initiative.goals,
    )
    classification = ClassificationPolicy(
        ability_high=t.number("ability_high", low=0, high=100),
        initiative_high=t.number("initiative_high", low=0, high=100),
        ability_weights=ability,
        initiative_weights=initiative,
    )
    t.done()

    t = root.table("goals")
    goals = GoalPolicy(max_per_period=t.integer("max_per_period", low=1, high=50))
    t.done()
    root.done()
    if problems:
        raise PolicyError.of(problems)

    return ScoringPolicy(
        version=version,
        weights=weights,
        business=business,
        discipline=discipline,
        supervisors=supervisors,
        basic_work=basic_work,
        training=training,
        events=events,
        review=review,
        ranking=ranking,
        scope=scope,
        classification=classification,
        goals=goals,
    )


def load_policy(path: Path) -> ScoringPolicy:
    """Load and validate a region's policy file.

    Raises
    ------
    PolicyError
        If the file is not valid TOML (key ``"<file>"``) or any key is wrong.
    OSError
        If the file cannot be read; that is the caller's deployment problem, not a policy one.
    """
    text = path.read_text(encoding="utf-8")
    return _parse_text(text, str(path))


def default_policy() -> ScoringPolicy:
    """Load the packaged policy with the paper's values (read on call, never at import).

    Examples
    --------
    >>> default_policy().discipline.breach_points
    5.0
    """
    text = resources.files(__package__).joinpath("policy.toml").read_text(encoding="utf-8")
    return _parse_text(text, "policy.toml")


def _parse_text(text: str, origin: str) -> ScoringPolicy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("<file>", f"{origin} is not valid TOML: {exc}") from exc
    return parse_policy(data)
