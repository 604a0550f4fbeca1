"""`python manage.py measure_review_outcomes [--review ID]`: measure ended reviews' outcomes
again from today's data (their budgets and % on target after they ended)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fsr import services
from fsr.models import Review
from targets.models import ChangeRecord


class Command(BaseCommand):
    help = (
        "Measure the outcome of every review that has ended (improvement plan agreed, or "
        "complete) again from today's data; the baseline is never changed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--review", type=int, help="Only this review (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        reviews = Review.objects.ended().select_related("service").order_by("pk")
        if options["review"] is not None:
            reviews = reviews.filter(pk=options["review"])
            if not reviews.exists():
                raise CommandError(f"No ended review has the id {options['review']}.")
        today = timezone.localdate()
        for review in reviews:
            measured = services.review_measure_outcome(
                review=review, user=None, today=today, source=ChangeRecord.Source.SYSTEM
            )
            cost, percent = measured.outcome_cost, measured.outcome_percent
            cost_text = f"£{cost:,.0f}" if cost is not None else "no data"
            percent_text = f"{percent}%" if percent is not None else "no data"
            self.stdout.write(
                f"{measured.pk}: {measured.title}: budget {cost_text}, on target {percent_text}"
            )
        self.stdout.write(self.style.SUCCESS(f"{reviews.count()} reviews measured."))
