"""What publishing would put in front of the public: the preview the performance team confirms.

For the approved values about to be published (a period's, or one), the preview says how many,
which are Red, which were published before and changed since (from what, and how they stopped
being published: withdrawn, with the reason), and what the public page and the open data will
show for each: the rows are worked out by the public outputs' own rule (`targets.scorecard`
with a published-only viewer, `public.open_data_row`), over the stored data with these values
taken as published. Its `token` names the values and the versions previewed, so that a confirm
publishes exactly them or nothing (`targets.services.period_publish`).

Loaded in a fixed number of queries: the values, their audit records, and the scorecard's three.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reporting import public
from targets import rules
from targets.models import ChangeRecord, User, Value, ValueStatus
from targets.periods import Period
from targets.scorecard import MeasureStatus, ScorecardData, needed_for_rows, period_statuses

Action = ChangeRecord.Action


@dataclass(frozen=True)
class Earlier:
    """The value as it was last published, and how it stopped being published."""

    published_at: datetime
    published_by: User | None
    actual: Decimal | None  # the figure then
    ended: str  # "withdrawn" or "moved back to approved"
    ended_by: User | None
    ended_at: datetime | None
    reason: str


@dataclass(frozen=True)
class PreviewItem:
    value: Value
    status: MeasureStatus  # what a published-only viewer sees once it is published
    earlier: Earlier | None
    open_data: dict[str, public.Cell] | None  # the open-data row it adds (public measures)

    @property
    def is_public(self) -> bool:
        return bool(self.value.measure.is_public)

    @property
    def is_red(self) -> bool:
        return self.status.rag.rag == rules.Rag.RED


@dataclass(frozen=True)
class Preview:
    items: list[PreviewItem]
    token: str  # "id:version,…" of exactly the values previewed
    figures_to: Period  # where the public page opens now

    @property
    def reds(self) -> list[PreviewItem]:
        return [i for i in self.items if i.is_red]

    @property
    def republished(self) -> list[PreviewItem]:
        return [i for i in self.items if i.earlier is not None]

    @property
    def public_items(self) -> list[PreviewItem]:
        return [i for i in self.items if i.is_public]

    @property
    def open_data_columns(self) -> tuple[str, ...]:
        return public.OPEN_DATA_COLUMNS


def token_of(values: list[Value]) -> str:
    return ",".join(f"{v.pk}:{v.version}" for v in sorted(values, key=lambda v: v.pk))


def parse_token(token: str) -> dict[int, int]:
    """{value id: version} from a preview's token; ValueError if it is not one."""
    found: dict[int, int] = {}
    for part in filter(None, token.split(",")):
        pk, _, version = part.partition(":")
        if not (pk.isdigit() and version.isdigit()) or len(part) > 40:
            raise ValueError(f"{part[:40]!r} is not a value and version.")
        found[int(pk)] = int(version)
    return found


def approved_of(period: Period) -> list[Value]:
    return list(
        Value.objects.filter(period=period.code, status=ValueStatus.APPROVED)
        .select_related("measure", "measure__service", "measure__priority", "approved_by")
        .order_by("measure__code")
    )


def preview(values: list[Value], *, today: date) -> Preview:
    """The preview of publishing `values` (approved, loaded with their measures)."""
    figures_to = public.figures_to(today)
    if not values:
        return Preview(items=[], token="", figures_to=figures_to)
    pairs = [(v.measure, v.period_obj) for v in values]
    codes, years = needed_for_rows([p for _, p in pairs])
    data = ScorecardData.load(list({m.pk: m for m, _ in pairs}.values()), codes, years)
    as_published = _as_if_published(data, values)
    statuses = period_statuses(pairs, internal=False, today=today, data=as_published)
    earlier = _earlier(values)
    items = [
        PreviewItem(
            value=value,
            status=status,
            earlier=earlier.get(value.pk),
            open_data=public.open_data_row(status) if value.measure.is_public else None,
        )
        for value, status in zip(values, statuses, strict=True)
    ]
    return Preview(items=items, token=token_of(values), figures_to=figures_to)


def _as_if_published(data: ScorecardData, values: list[Value]) -> ScorecardData:
    """The loaded data with these values taken as published (copies: nothing is saved)."""
    by_measure = {mid: dict(codes) for mid, codes in data.values.items()}
    for value in values:
        shown = copy.copy(value)
        shown.status = ValueStatus.PUBLISHED
        by_measure.setdefault(value.measure_id, {})[value.period] = shown
    return ScorecardData(values=by_measure, book=data.book)


def _earlier(values: list[Value]) -> dict[int, Earlier]:
    """For each value published before: the figure it was published at, and how it stopped
    being published, read from the audit trail (one query)."""
    records = (
        ChangeRecord.objects.filter(object_type="value", object_id__in=[v.pk for v in values])
        .select_related("user")
        .order_by("at", "pk")
    )
    by_value: dict[int, list[ChangeRecord]] = defaultdict(list)
    for record in records:
        if record.object_id is not None:
            by_value[record.object_id].append(record)
    found: dict[int, Earlier] = {}
    for value in values:
        history = by_value.get(value.pk, [])
        last = max((i for i, r in enumerate(history) if _published(r)), default=None)
        if last is None:
            continue
        after = history[last + 1 :]
        # The figure published: the first change of the figure since, from its old side.
        change = next((r for r in after if "actual" in r.changes), None)
        actual = _decimal(change.changes["actual"][0]) if change else value.actual
        ending = next((r for r in after if _unpublished(r)), None)
        found[value.pk] = Earlier(
            published_at=history[last].at,
            published_by=history[last].user,
            actual=actual,
            ended="withdrawn"
            if ending is not None and ending.action == Action.WITHDRAW
            else "moved back to approved",
            ended_by=ending.user if ending else None,
            ended_at=ending.at if ending else None,
            reason=ending.reason if ending else "",
        )
    return found


def _published(record: ChangeRecord) -> bool:
    status = record.changes.get("status")
    if record.action in (Action.PUBLISH, Action.RESTATE):  # a restatement is published at once
        return True
    return bool(status and status[1] == ValueStatus.PUBLISHED)


def _unpublished(record: ChangeRecord) -> bool:
    status = record.changes.get("status")
    return bool(status and status[0] == ValueStatus.PUBLISHED and status[1] != status[0])


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None
