"""`python manage.py question_history [--measure CODE …] [--examples N]`: the false-alarm rate of
the questioning rule (`targets.anomaly`) on the stored history — each value at least submitted
against the values before it — with the share of values it would have questioned."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from targets import anomaly, questions
from targets.models import Measure


class Command(BaseCommand):
    help = "Replay the questioning rule over the stored history and report the share questioned."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--measure", action="append", default=[], metavar="CODE")
        parser.add_argument("--examples", type=int, default=10, help="How many to list.")

    def handle(self, *args: Any, **options: Any) -> None:
        measures = Measure.objects.all()
        if options["measure"]:
            measures = measures.filter(code__in=options["measure"])
            if not measures.exists():
                raise CommandError("No such measure.")
        replay = questions.false_alarm_rate(measures, examples=options["examples"])
        self.stdout.write(
            f"Rule: median ± {anomaly.K} × max(1.4826 × MAD, "
            f"{anomaly.FLOOR_FRACTION * 100}% of the median or the resolution) of the last "
            f"{anomaly.WINDOW} periods (at least {anomaly.MIN_HISTORY}); seasonal by month "
            f"medians for monthly measures with {anomaly.SEASONAL_HISTORY} months."
        )
        self.stdout.write(
            f"{replay.questioned} of {replay.checked} values questioned "
            f"({replay.rate:.2%}); by kind: "
            + (", ".join(f"{k} {n}" for k, n in sorted(replay.by_kind.items())) or "none")
        )
        if replay.typos:
            self.stdout.write(
                f"Typos: of {replay.typos} values with enough history, ten times the value "
                f"would be questioned for {replay.tenfold_caught} "
                f"({replay.tenfold_caught / replay.typos:.2%}), a tenth of it for "
                f"{replay.tenth_caught} ({replay.tenth_caught / replay.typos:.2%})."
            )
        for code, period, reason in replay.examples:
            self.stdout.write(f"  {code} {period}: {reason}")
