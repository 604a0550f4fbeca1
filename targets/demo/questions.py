"""The demo's questioned values: the figures of the last months the rule questions
(`targets.questions`), each recorded with its officer's explanation at the head of its
commentary, as if it had been entered through the form — so the approval queue, the value's page
and /values/questions/ have some to show. Only added once."""

from __future__ import annotations

from collections import Counter
from datetime import date

from targets import periods, questions
from targets.models import INTERNAL_STATUSES, ChangeRecord, Value, ValueQuestion

MONTHS = 6  # how far back the demo's questions go
EXPLANATIONS = {
    "above": "Checked against the source system before submitting: the figure is right. "
    "It is well above the usual level because of a one-off this period.",
    "below": "Checked against the source system before submitting: the figure is right. "
    "It is well below the usual level because of a one-off this period.",
    "ratio": "Checked: the numerator includes cases carried over from the last period.",
}


def load(*, today: date, created: Counter[str]) -> None:
    if ValueQuestion.objects.exists():
        return
    latest = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    start = periods.last_n(latest, MONTHS)[0].start
    recent = [
        value
        for value in Value.objects.filter(status__in=INTERNAL_STATUSES, actual__isnull=False)
        .select_related("measure", "submitted_by", "entered_by")
        .order_by("measure__code", "period")
        if value.period_obj.end >= start
    ]
    book = questions.Book.load([(v.measure, v.period_obj) for v in recent])
    for value in recent:
        found = book.ask(
            value.measure,
            value.period_obj,
            value.actual,
            numerator=value.numerator,
            denominator=value.denominator,
        )
        if found is None:
            continue
        side = (
            "ratio" if found.kind == "ratio" else "above" if value.actual > found.high else "below"
        )
        value.commentary = f"{EXPLANATIONS[side]} {value.commentary}".strip()
        value.save(update_fields=["commentary"])
        questions.record(
            value=value,
            question=found,
            user=value.submitted_by or value.entered_by,
            source=ChangeRecord.Source.FORM,
        )
        created["questioned values"] += 1
