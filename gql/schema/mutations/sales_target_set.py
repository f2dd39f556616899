"""``salesTargetSet``: a manager's monthly sales target (marketing; idempotent)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.money import Currency
from gql.schema.types.scores import SalesTargetType
from gql.services.evaluations.targets import TargetCommand

__all__ = ["SalesTargetSetInput", "SalesTargetSetPayload", "sales_target_set"]


@strawberry.input(description="A manager's target for one month (not closed for them).")
class SalesTargetSetInput:
    """Volume and amount; setting the same target again changes nothing."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    month: str = strawberry.field(description="The month, 2026-12.")
    volume_cartons: int = strawberry.field(description="Volume target, 1..10,000,000 cartons.")
    amount: Decimal = strawberry.field(
        description='Amount target as a decimal string, e.g. "245000.00" (0.01..1e10, whole fen).'
    )
    currency: Currency = strawberry.field(default=Currency.CNY, description="Only CNY.")


@strawberry.type(description="Result of `salesTargetSet`.")
class SalesTargetSetPayload:
    """The target as stored, or why not."""

    target: SalesTargetType | None = strawberry.field(default=None, description="The target.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was set."
    )


def sales_target_set(
    info: strawberry.Info[Context, None], input: SalesTargetSetInput
) -> SalesTargetSetPayload:
    """Validate the figures and upsert the target."""
    target = info.context.targets.set(
        TargetCommand(
            manager_id=pk_of(input.manager_id, "Manager", ("manager_id",)),
            month=input.month,
            volume_cartons=input.volume_cartons,
            amount_yuan=input.amount,
        )
    )
    return SalesTargetSetPayload(target=SalesTargetType.from_domain(target))
