"""The evaluation side of the demo: targets, the heads' and marketing's inputs, closed months.

Targets are set by marketing through the targets service at the start of each month; heads
record discipline and basic work for their departments and marketing a training result, each
on its day; marketing closes a month a few days after it ends, so its results are settled from
the sales and frozen into each manager's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from gql.domain.evaluations import PeriodKind, ScoreEventKind
from gql.services.demo.clock import DemoClock, at_local
from gql.services.evaluations.boards import BoardService
from gql.services.evaluations.closing import PeriodService
from gql.services.evaluations.score_events import EventCommand
from gql.services.evaluations.service import EvaluationService
from gql.services.evaluations.targets import TargetCommand, TargetService

if TYPE_CHECKING:
    from gql.services.access import Principal
    from gql.services.demo.world import DemoWorld

__all__ = ["close_month", "record_events", "set_targets"]

_BASIC_WORK = ("客户档案", "价签规范", "终端建设", "信息采集")


@dataclass(frozen=True, slots=True)
class _Services:
    evaluations: EvaluationService
    periods: PeriodService
    targets: TargetService


def _services(world: DemoWorld, who: Principal, clock: DemoClock) -> _Services:
    evaluations = EvaluationService(world.session, who, clock=clock)
    return _Services(
        evaluations,
        PeriodService(evaluations, BoardService(evaluations)),
        TargetService(evaluations),
    )


def set_targets(world: DemoWorld, month: date) -> int:
    """Marketing sets every manager's target for ``month`` on its first morning.

    On the reference day itself everything happens at its first instant, never later than now.
    """
    clock = DemoClock(at_local(month, 9 * 3600 if month < world.today else 0))
    targets = _services(world, world.marketing, clock).targets
    rng = world.rng
    for manager in world.managers:
        shops = world.retailers[manager.staff_id]
        weekly = sum(1.5 + 1.4 * r.grade for r in shops) or 1.0
        price_yuan = 140 + 6.5 * (sum(r.grade for r in shops) / len(shops) if shops else 10)
        stretch = rng.uniform(1.00, 1.08)  # a target asks a little more than the trend
        cartons = max(100, int(round(weekly * 4.35 * stretch, -2)))
        targets.set(
            TargetCommand(
                manager_id=manager.staff_id,
                month=f"{month:%Y-%m}",
                volume_cartons=cartons,
                amount_yuan=Decimal(max(1_000, int(round(cartons * price_yuan, -3)))),
            )
        )
    return len(world.managers)


def record_events(world: DemoWorld, day: date) -> int:
    """The day's inputs: now and then a leave, a breach, a basic-work check or a complaint."""
    rng = world.rng
    recorded = 0
    for manager in world.managers:
        roll = rng.random()
        if roll >= 0.06:
            continue
        head = world.heads[manager.department_id]
        clock = DemoClock(at_local(day, 17 * 3600 + rng.randrange(0, 3_600)))
        if roll < 0.015:
            command = EventCommand(manager.staff_id, ScoreEventKind.LEAVE, day, days=1)
        elif roll < 0.025:
            command = EventCommand(
                manager.staff_id, ScoreEventKind.RULE_BREACH, day, breach="ordinary",
                note="未按规定时间上报拜访计划",
            )  # fmt: skip
        elif roll < 0.05:
            command = EventCommand(
                manager.staff_id,
                ScoreEventKind.BASIC_WORK_CHECK,
                day,
                item=rng.choice(_BASIC_WORK),
                passed=rng.random() < 0.6,
            )
        else:
            shops = world.retailers[manager.staff_id]
            command = EventCommand(
                manager.staff_id,
                ScoreEventKind.COMPLAINT,
                day,
                subjective=rng.random() < 0.5,
                retailer_id=rng.choice(shops).id if shops else None,
            )
        _services(world, head, clock).evaluations.record(command)
        recorded += 1
    return recorded


def record_training(world: DemoWorld, day: date) -> int:
    """Marketing records the month's written exam for every manager."""
    clock = DemoClock(at_local(day, 16 * 3600))
    evaluations = _services(world, world.marketing, clock).evaluations
    for manager in world.managers:
        evaluations.record(
            EventCommand(
                manager.staff_id,
                ScoreEventKind.TRAINING_RESULT,
                day,
                training="exam",
                exam_score=float(world.rng.randint(62, 99)),
            )
        )
    return len(world.managers)


def close_month(world: DemoWorld, month: date, on: date) -> int:
    """Marketing closes ``month`` for every department on ``on``; return the results."""
    at = at_local(on, 10 * 3600 if on < world.today else 0)
    periods = _services(world, world.marketing, DemoClock(at)).periods
    return len(periods.close(PeriodKind.MONTH, f"{month:%Y-%m}", None))


def next_month(month: date) -> date:
    """The first day of the month after ``month``."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)
