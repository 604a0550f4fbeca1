"""Benchmarking pages: the overview, metrics and their positions, groups, the upload, and the
LG Inform Plus fetches."""

from __future__ import annotations

from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from benchmarking import periods as benchmark_periods
from benchmarking import positions
from benchmarking.charts import ranking_chart, trend_chart
from benchmarking.comparisons import ComparisonError, comparison_for, type_label
from benchmarking.filters import FetchFilter, MetricFilter
from benchmarking.forms import PositionForm, UploadForm
from benchmarking.imports import MetricSpec, import_benchmarks
from benchmarking.lginform.fetch import SCHEDULE, is_configured
from benchmarking.models import (
    Authority,
    BenchmarkValue,
    ComparatorGroup,
    Fetch,
    GroupVersion,
    Metric,
)
from benchmarking.overview import council, council_summaries
from benchmarking.permissions import can_manage_benchmarks
from targets.exports import Column, export_response
from targets.periods import financial_year_of

METRICS_PER_PAGE = 50
FETCHES_PER_PAGE = 50
# The overview works out positions for unlinked metrics too, up to this many.
OVERVIEW_MAX = 30


METRIC_COLUMNS = [
    Column("Code", lambda m: m.code),
    Column("Title", lambda m: m.title),
    Column("Source", lambda m: m.get_source_display()),
    Column("Polarity", lambda m: m.get_polarity_display()),
    Column("Our measure", lambda m: m.measure.code if m.measure else ""),
]


def overview(request: HttpRequest) -> HttpResponse:
    """Every linked metric with the council's latest quartile against its nearest neighbours and
    against its type; the other metrics too while there are few of them."""
    linked = list(Metric.objects.linked().select_related("measure__service"))
    others = list(Metric.objects.filter(measure__isnull=True).order_by("code")[: OVERVIEW_MAX + 1])
    summed = others if len(others) <= OVERVIEW_MAX else []
    summaries = council_summaries([*linked, *summed])
    area = council()
    return render(
        request,
        "benchmarking/overview.html",
        {
            "summaries": summaries[: len(linked)],
            "other_summaries": summaries[len(linked) :],
            "others": others if not summed else [],
            "area": area,
            "type_label": type_label(area.type, area.type_name) if area else "",
            "nearest_text": _nearest_text(area),
            "can_manage": can_manage_benchmarks(request.user),
            "council_area_code": settings.COUNCIL_AREA_CODE,
        },
    )


def _nearest_text(area: Authority | None) -> str:
    """The council's nearest-neighbour group as it stands this year, in words."""
    if area is None:
        return ""
    try:
        nearest = comparison_for("nearest", area)
    except ComparisonError:
        return ""
    return nearest.size_text(financial_year_of(timezone.localdate()), area)


def metric_list(request: HttpRequest) -> HttpResponse:
    filters = MetricFilter(request.GET or None, queryset=Metric.objects.select_related("measure"))
    page = Paginator(filters.qs.order_by("code"), METRICS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    if not filters.errors:
        exported = export_response(request, page.object_list, METRIC_COLUMNS, "benchmark-metrics")
        if exported is not None:
            return exported
    return render(
        request,
        "benchmarking/metric_list.html",
        {"filters": filters, "page": page, "query": _without_page(request)},
        status=400 if filters.errors else 200,
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _group_choices(area: Authority) -> list[tuple[str, str]]:
    choices = [("nearest", f"Nearest neighbours of {area.name}")]
    choices.append((f"type:{area.type}", type_label(area.type, area.type_name)))
    choices.append(("all", "All authorities"))
    named = ComparatorGroup.objects.filter(kind=ComparatorGroup.Kind.NAMED).order_by("name")
    choices += [(g.slug, g.name) for g in named]
    return choices


def _position_form(request: HttpRequest, metric: Metric, period_codes: list[str]) -> PositionForm:
    """The period, comparison and area choices: areas with values (and the council)."""
    areas = list(
        Authority.objects.filter(
            pk__in=BenchmarkValue.objects.filter(metric=metric).values("authority_id")
        ).order_by("name")
    )
    home = council()
    if home is not None and home not in areas:
        areas.insert(0, home)
    wanted = request.GET.get("area") or settings.COUNCIL_AREA_CODE
    area = next((a for a in areas if a.code == wanted), home)
    return PositionForm(
        request.GET or None,
        period_choices=period_codes,
        group_choices=_group_choices(area) if area else [],
        area_choices=[(a.code, a.name) for a in areas],
    )


def metric_detail(request: HttpRequest, code: str) -> HttpResponse:
    metric = get_object_or_404(Metric.objects.select_related("measure"), code=code)
    period_codes = positions.metric_periods(metric)
    form = _position_form(request, metric, period_codes)
    context: dict[str, Any] = {
        "metric": metric,
        "form": form,
        "periods": period_codes,
        "first_label": benchmark_periods.label(period_codes[0]) if period_codes else "",
        "last_label": benchmark_periods.label(period_codes[-1]) if period_codes else "",
        "chosen": {key: request.GET.get(key) for key in ("period", "group", "area")},
        "last_fetch": metric.fetches.filter(status=Fetch.Status.DONE).first()
        if metric.lginform_id
        else None,
        "schedule": SCHEDULE,
    }
    if request.GET and not form.is_valid():
        return render(request, "benchmarking/metric_detail.html", context, status=400)
    data = form.cleaned_data if request.GET else {}
    try:
        question = positions.ask(
            metric=metric.code, area=data.get("area"), group=data.get("group"), period=None
        )
    except ComparisonError as exc:
        context["problem"] = str(exc)
        return render(request, "benchmarking/metric_detail.html", context)
    shown = positions.for_page(question, data.get("period"), period_codes)
    current = shown.position
    context.update(
        chosen={
            "period": shown.period,
            "group": question.comparison.key,
            "area": question.area.code,
        },
        question=question,
        position=current,
        trend=shown.trend,
        ranking_chart=ranking_chart(current) if current and current.stats["n"] else None,
        trend_chart=trend_chart(shown.trend) if shown.ranked_periods > 1 else None,
    )
    return render(request, "benchmarking/metric_detail.html", context)


def group_list(request: HttpRequest) -> HttpResponse:
    named = ComparatorGroup.objects.filter(kind=ComparatorGroup.Kind.NAMED).prefetch_related(
        "versions"
    )
    area = council()
    nearest = (
        ComparatorGroup.objects.filter(kind=ComparatorGroup.Kind.NEAREST, authority=area).first()
        if area
        else None
    )
    count = ComparatorGroup.objects.filter(kind=ComparatorGroup.Kind.NEAREST).count()
    return render(
        request,
        "benchmarking/group_list.html",
        {"named": named, "nearest": nearest, "nearest_count": count, "area": area},
    )


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    members = Authority.objects.order_by("name")
    group = get_object_or_404(
        ComparatorGroup.objects.select_related("authority").prefetch_related(
            Prefetch(
                "versions",
                queryset=GroupVersion.objects.order_by(
                    F("valid_from").desc(nulls_last=True)
                ).prefetch_related(Prefetch("members", queryset=members)),
            )
        ),
        slug=slug,
    )
    return render(request, "benchmarking/group_detail.html", {"group": group})


def upload(request: HttpRequest) -> HttpResponse:
    if not can_manage_benchmarks(request.user):
        raise PermissionDenied("Only the performance team imports benchmark data.")
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = MetricSpec(
            code=data["metric"],
            title=data["title"] or None,
            polarity=data["polarity"] or None,
            decimals=data["decimals"],
            unit=data["unit"] or None,
            source=data["source"] or None,
            where=data["where"],
        )
        report = import_benchmarks(cast(IO[bytes], data["file"]), spec, dry_run=data["dry_run"])
    failed = request.method == "POST" and (not form.is_valid() or (report and not report.ok))
    return render(
        request,
        "benchmarking/upload.html",
        {"form": form, "report": report, "metrics": Metric.objects.order_by("code")},
        status=400 if failed else 200,
    )


def fetch_list(request: HttpRequest) -> HttpResponse:
    """The LG Inform Plus fetches, newest first, and the metrics that carry an LG Inform id."""
    if not can_manage_benchmarks(request.user):
        raise PermissionDenied("Only the performance team sees the LG Inform Plus fetches.")
    filters = FetchFilter(request.GET or None, queryset=Fetch.objects.select_related("metric"))
    page = Paginator(filters.qs, FETCHES_PER_PAGE).get_page(request.GET.get("page"))
    latest = Fetch.objects.filter(metric=OuterRef("pk")).order_by("-started_at", "-pk")
    metrics = list(
        Metric.objects.filter(lginform_id__isnull=False)
        .annotate(
            last_started=Subquery(latest.values("started_at")[:1]),
            last_status=Subquery(latest.values("status")[:1]),
        )
        .order_by("code")
    )
    labels = dict(Fetch.Status.choices)
    for m in metrics:
        m.last_label = labels.get(m.last_status, "")  # type: ignore[attr-defined]
    return render(
        request,
        "benchmarking/fetch_list.html",
        {
            "filters": filters,
            "page": page,
            "query": _without_page(request),
            "metrics": metrics,
            "configured": is_configured(),
            "schedule": SCHEDULE,
        },
        status=400 if filters.errors else 200,
    )
