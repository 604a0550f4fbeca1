"""The month grid's read model: every measure of a service due in a month, each for its own
period, with its status, target, the figures beside it and who returned it, in a fixed number of
queries however many measures the service has."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from targets import periods, permissions, rules
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from targets.periods import Period
from targets.rules import RagResult, TargetSpec
from targets.scorecard import TargetBook

# The grid lists monthly measures first, then those due at quarter ends, then annual ones.
_FREQUENCY_ORDER: dict[str, int] = {
    Measure.Frequency.MONTHLY.value: 0,
    Measure.Frequency.QUARTERLY.value: 1,
    Measure.Frequency.ANNUAL.value: 2,
}


class RowStatus:
    """Where a row stands in the workflow, as the officer reads it."""

    NEW = "new"
    DRAFT = "draft"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"

    LABELS = {
        NEW: "New",
        DRAFT: "Draft",
        RETURNED: "Returned",
        SUBMITTED: "Submitted",
        APPROVED: "Approved",
        PUBLISHED: "Published",
    }


def value_status(value: Value | None) -> str:
    """A value's row status: a draft with a return reason is "returned"."""
    if value is None:
        return RowStatus.NEW
    if value.status == ValueStatus.DRAFT:
        return RowStatus.RETURNED if value.return_reason else RowStatus.DRAFT
    return str(value.status)


def read_only_reason(status: str, *, can_edit: bool, can_publish: bool) -> str:
    """Why a row cannot be changed here ("" when it can)."""
    if not can_edit:
        return "You do not enter values for this measure."
    if status == RowStatus.SUBMITTED:
        if can_publish:
            return "Waiting for approval: correct it on its own page."
        return "Waiting for approval: it can be changed once the approver returns it to draft."
    if status == RowStatus.APPROVED:
        if can_publish:
            return "Approved: correct it on its own page (it then needs approving again)."
        return "Approved: only the performance team can change it now."
    if status == RowStatus.PUBLISHED:
        if can_publish:
            return "Published: restate it on its own page, with a reason."
        return "Published: ask the performance team to restate it."
    return ""


@dataclass
class GridRow:
    measure: Measure
    period: Period
    value: Value | None
    target: TargetSpec | None
    previous: Value | None
    last_year: Value | None
    can_edit: bool
    can_publish: bool
    returned_by: User | None = None
    returned_at: Any = None
    # Set by the page: the row's form, and the RAG of the figure typed when it was checked.
    form: Any = None
    checked: RagResult | None = None
    question: Any = None  # the `anomaly.Question` its typed figure raised when checked

    @property
    def status(self) -> str:
        return value_status(self.value)

    @property
    def status_label(self) -> str:
        return RowStatus.LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.can_edit and self.status in (
            RowStatus.NEW,
            RowStatus.DRAFT,
            RowStatus.RETURNED,
        )

    @property
    def why_read_only(self) -> str:
        return read_only_reason(self.status, can_edit=self.can_edit, can_publish=self.can_publish)

    @property
    def rag(self) -> RagResult:
        """The figure checked on this page, else the stored one."""
        if self.checked is not None:
            return self.checked
        return self.rate(self.value.actual if self.value else None)

    @property
    def needs_corrective_action(self) -> bool:
        return self.rag.rag == rules.Rag.RED

    def rate(self, actual: Decimal | None) -> RagResult:
        return self.measure.rate(actual, self.target)


def due_measures(service: Service, month: Period) -> list[Measure]:
    """The service's measures with a period ending in `month`, monthly ones first."""
    found = Measure.objects.filter(service=service).due_in(month).select_related("service")
    return sorted(found, key=lambda m: (_FREQUENCY_ORDER.get(m.frequency, 9), m.code))


def row_period(measure: Measure, month: Period) -> Period:
    """The measure's own period that ends in `month` (the quarter, the year, or the month)."""
    return periods.period_containing(month.end, measure.period_frequency)


def load_rows(service: Service, month: Period, user: User) -> list[GridRow]:
    """Each due measure's row; drafts only of the measures the viewer enters (others' drafts
    are never shown), and nothing unpublished to a viewer who sees published values only."""
    measures = due_measures(service, month)
    if not measures:
        return []
    own = {m.pk for m in measures if permissions.can_edit_value(user, m)}
    internal = permissions.sees_internal_values(user)
    wanted: dict[int, tuple[Period, Period, Period]] = {}
    for measure in measures:
        period = row_period(measure, month)
        wanted[measure.pk] = (period, period.previous(), period.same_period_last_year())
    codes = {p.code for trio in wanted.values() for p in trio}
    values: dict[tuple[int, str], Value] = {}
    for value in Value.objects.filter(measure__in=measures, period__in=codes).select_related(
        "entered_by", "submitted_by"
    ):
        if _visible(value, own=value.measure_id in own, internal=internal):
            values[(value.measure_id, value.period)] = value
    book = TargetBook.load(measures, [month.year])
    rows = []
    can_publish = permissions.can_publish(user)
    for measure in measures:
        period, previous, last_year = wanted[measure.pk]
        rows.append(
            GridRow(
                measure=measure,
                period=period,
                value=values.get((measure.pk, period.code)),
                target=book.for_period(measure, period),
                previous=values.get((measure.pk, previous.code)),
                last_year=values.get((measure.pk, last_year.code)),
                can_edit=measure.pk in own,
                can_publish=can_publish,
            )
        )
    _add_returns(rows)
    return rows


def _visible(value: Value, *, own: bool, internal: bool) -> bool:
    if own:
        return True
    if internal:
        return value.status != ValueStatus.DRAFT
    return value.status == ValueStatus.PUBLISHED


def _add_returns(rows: Sequence[GridRow]) -> None:
    """Who returned each returned row, and when: the latest return in the audit trail (one
    query for the whole grid)."""
    returned = {row.value.pk: row for row in rows if row.value and row.status == "returned"}
    if not returned:
        return
    records: Iterable[ChangeRecord] = (
        ChangeRecord.objects.filter(
            object_type=ChangeRecord.ObjectType.VALUE,
            object_id__in=list(returned),
            action=ChangeRecord.Action.RETURN,
        )
        .select_related("user")
        .order_by("at", "id")
    )
    for record in records:  # oldest first: the latest return wins
        row = returned[record.object_id]  # type: ignore[index]
        row.returned_by = record.user
        row.returned_at = record.at


def last_return(value: Value) -> ChangeRecord | None:
    """The latest return of one value (the single-value form's "returned by")."""
    return (
        ChangeRecord.objects.filter(
            object_type=ChangeRecord.ObjectType.VALUE,
            object_id=value.pk,
            action=ChangeRecord.Action.RETURN,
        )
        .select_related("user")
        .order_by("-at", "-id")
        .first()
    )
