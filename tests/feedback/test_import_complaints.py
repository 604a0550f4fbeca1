"""import_complaints on a CRM export written by hand: other columns, UK dates, bad rows reported,
nothing half-written, upsert by reference, and the derived measures' values checked by hand."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from feedback.figures import complaints_in_time_by_service, monthly_figures
from feedback.models import Complaint, ComplaintImport, DerivedMeasure
from targets import periods
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from tests.factories import MeasureFactory, ServiceFactory, ValueFactory
from tests.feedback.conftest import TODAY, import_csv

pytestmark = pytest.mark.django_db

# Written as another council's CRM writes it: its own column order and case, columns we do not
# use, day-first dates, stages spelt in words, a time of day on one date.
GOOD = """\
Case ID,Kind,Reference,Service,Received,Due,Responded,Stage,Outcome,Officer
1001,Complaint,C-001,Customer Services,02/09/2026,16/09/2026,15/09/2026,Stage 1,Upheld,Jo
1002,complaint,C-002,customer-services,03/09/2026,17/09/2026,17/09/2026,stage 1,Not upheld,Jo
1003,COMPLAINT,C-003,Customer Services,10/09/2026,24/09/2026,30/09/2026,1,Partly upheld,Ali
1004,Complaint,C-004,Customer Services,20/09/2026,02/10/2026,01/10/2026 16:40,Stage 1,,Ali
1005,Complaint,C-005,Customer Services,20/08/2026,03/09/2026,,Stage 1,,Jo
1006,Complaint,C-006,Customer Services,2026-09-05,2026-09-30,2026-10-20,Stage 2,Upheld,Sam
1007,Complaint,C-007,waste,08/09/2026,22/09/2026,21/09/2026,LGSCO,Not upheld,Kim
1008,Compliment,K-001,Customer Services,12/09/2026,,,,,Jo
1009,Compliment,K-002,Waste and Recycling,14/09/2026,,,,,Kim
1010,Compliment,K-003,Customer Services,01/10/2026,,,,,Jo
"""

# By hand, for September 2026:
# - complaints received (council): C-001, C-002, C-003, C-004, C-006, C-007 = 6 (C-005 is August)
# - compliments received: K-001, K-002 = 2
# - due in September: C-001 (on time), C-002 (on the due date: on time), C-003 (late),
#   C-005 (unanswered, overdue: late), C-006 (stage 2, answered late), C-007 (on time)
#   -> 3 of 6 = 50.0% council; Customer Services: C-001, C-002 of C-001/2/3/5/6 = 40.0%
# - stage 2: C-006 = 1; ombudsman: C-007 = 1
SEPTEMBER = periods.parse_period("2026-09")


@pytest.fixture
def services(customer_services: Service) -> dict[str, Service]:
    return {
        "customer-services": customer_services,
        "waste": ServiceFactory(code="waste", name="Waste and Recycling"),
    }


@pytest.fixture
def linked(services: dict[str, Service]) -> dict[str, Measure]:
    """Three derived measures: the council's % on time (a ratio), its complaints received (a
    count), and Customer Services' own % on time (a plain percentage)."""
    cs = services["customer-services"]
    measures = {
        "on_time": MeasureFactory(
            code="CP20", corporate=True, service=cs, aggregation="ratio", unit="percent"
        ),
        "received": MeasureFactory(
            code="CP21",
            corporate=True,
            service=cs,
            unit="count",
            aggregation="sum",
            polarity="none",
            decimals=0,
        ),
        "cs_on_time": MeasureFactory(code="CSV-06", service=cs, unit="percent"),
    }
    DerivedMeasure.objects.create(measure=measures["on_time"], figure="on_time_pct")
    DerivedMeasure.objects.create(measure=measures["received"], figure="complaints")
    DerivedMeasure.objects.create(measure=measures["cs_on_time"], figure="on_time_pct", service=cs)
    return measures


def test_it_imports_the_export_and_the_figures_are_those_counted_by_hand(
    services: dict[str, Service],
) -> None:
    report = import_csv(GOOD)
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (10, 0, 0)
    assert (report.complaints, report.compliments) == (7, 3)
    c6 = Complaint.objects.get(reference="C-006")
    assert (c6.stage, c6.received, c6.due, c6.responded) == (
        "2",
        date(2026, 9, 5),
        date(2026, 9, 30),
        date(2026, 10, 20),
    )
    assert Complaint.objects.get(reference="C-004").responded == date(2026, 10, 1)
    assert Complaint.objects.get(reference="C-007").stage == "ombudsman"
    assert Complaint.objects.get(reference="K-001").stage == ""

    found = monthly_figures(SEPTEMBER, SEPTEMBER, today=TODAY)
    council = found[(None, "2026-09")]
    assert (council.complaints, council.compliments) == (6, 2)
    assert (council.on_time, council.late, council.pending) == (3, 3, 0)
    assert council.on_time_pct == Decimal("50.0")
    assert (council.stage_2, council.ombudsman) == (1, 1)
    cs = found[(services["customer-services"].pk, "2026-09")]
    assert (cs.complaints, cs.on_time, cs.settled, cs.on_time_pct) == (5, 2, 5, Decimal("40.0"))


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_problem(
    services: dict[str, Service], linked: dict[str, Measure]
) -> None:
    bad = GOOD.replace("02/09/2026,16/09/2026", "31/09/2026,16/09/2026")  # no 31 September
    bad = bad.replace("1003,COMPLAINT,C-003", "1003,COMPLAINT,C-002")  # a reference twice
    bad = bad.replace(
        "1005,Complaint,C-005,Customer Services,20/08/2026,03/09/2026",
        (
            "1005,Complaint,C-005,Customer Services,08/20/2026,03/09/2026"  # month first
        ),
    )
    bad = bad.replace("1007,Complaint,C-007,waste", "1007,Complaint,C-007,Highways")
    bad = bad.replace("Stage 2,Upheld,Sam", ",Upheld,Sam")
    bad = bad.replace("1009,Compliment", "1009,Praise")
    report = import_csv(bad, user=None)
    assert not report.ok
    assert report.lines() == [
        "row 2, column received: '31/09/2026' is not a date that exists",
        "row 4, column reference: C-002 is already on row 3",
        "row 6, column received: '08/20/2026' is not a date that exists",
        "row 7, column stage: A complaint needs its stage (1, 2 or Ombudsman)",
        "row 8, column service: Unknown service 'Highways': give its code or its name",
        "row 10, column kind: Kind must be one of complaint, compliment",
    ]
    assert report.summary == "Nothing was imported: the file has 6 problems in 6 rows."
    assert not Complaint.objects.exists()
    assert not ComplaintImport.objects.exists()
    assert not Value.objects.exists()


def test_dates_in_the_wrong_order_or_the_future_are_refused(services: dict[str, Service]) -> None:
    text = (
        "reference,service,received,due,responded,stage,kind\n"
        "A1,waste,2026-09-10,2026-09-01,,1,complaint\n"
        "A2,waste,2026-09-10,2026-09-20,2026-09-09,1,complaint\n"
        "A3,waste,2026-12-01,2026-12-20,,1,complaint\n"
        "A4,waste,2026-09-10,,,1,complaint\n"
        "A5,waste,2026-11-01,2026-11-20,2026-11-27,1,complaint\n"
    )
    report = import_csv(text)
    assert report.lines() == [
        "row 2, column due: Due 01/09/2026 is before it was received",
        "row 3, column responded: Responded 09/09/2026 is before it was received",
        "row 4, column received: Received 01/12/2026 is after today",
        "row 5, column due: A complaint needs its due date",
        "row 6, column responded: Responded 27/11/2026 is after today",
    ]


def test_a_missing_column_refuses_the_file(services: dict[str, Service]) -> None:
    report = import_csv("reference,service,received,kind\nA1,waste,2026-09-10,compliment\n")
    assert "row 1, column due: Required column is missing" in report.lines()
    assert not Complaint.objects.exists()


def test_reimporting_is_an_upsert_by_reference(services: dict[str, Service]) -> None:
    assert import_csv(GOOD).ok
    again = import_csv(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    # A later export: C-005 answered, C-003 escalated to stage 2, a new complaint.
    later = GOOD.replace("20/08/2026,03/09/2026,,Stage 1", "20/08/2026,03/09/2026,04/09/2026,1")
    later = later.replace("10/09/2026,24/09/2026,30/09/2026,1", "10/09/2026,15/10/2026,,2")
    later += "1011,Complaint,C-008,waste,01/10/2026,15/10/2026,14/10/2026,1,,Kim\n"
    report = import_csv(later, file_name="crm-export-2.csv")
    assert (report.created, report.updated, report.unchanged) == (1, 2, 8)
    assert Complaint.objects.count() == 11
    c3 = Complaint.objects.get(reference="C-003")
    assert (c3.stage, c3.due, c3.responded) == ("2", date(2026, 10, 15), None)
    assert c3.import_run is not None and c3.import_run.file_name == "crm-export-2.csv"
    assert report.months == ["2026-08", "2026-09", "2026-10"]


def test_the_derived_measures_are_entered_as_drafts_that_say_where_they_came_from(
    services: dict[str, Service], linked: dict[str, Measure], pat: User
) -> None:
    report = import_csv(GOOD, user=pat)
    assert report.ok
    assert report.derived is not None and not report.derived.errors
    on_time = Value.objects.get(measure=linked["on_time"], period="2026-09")
    assert on_time.status == ValueStatus.DRAFT
    assert (on_time.numerator, on_time.denominator, on_time.actual) == (3, 6, Decimal("50"))
    assert on_time.commentary.startswith("Computed from the complaints import of ")
    assert "(crm-export.csv): 6 complaints due in the month for the whole council, 3 answered" in (
        on_time.commentary
    )
    assert on_time.entered_by == pat
    received = Value.objects.get(measure=linked["received"], period="2026-09")
    assert received.actual == 6
    cs = Value.objects.get(measure=linked["cs_on_time"], period="2026-09")
    assert cs.actual == Decimal("40")
    assert "for Customer Services" in cs.commentary
    # October: C-004 due and answered in time; August: a complaint received, none due.
    assert Value.objects.get(measure=linked["on_time"], period="2026-10").actual == 100
    assert Value.objects.get(measure=linked["received"], period="2026-08").actual == 1
    assert not Value.objects.filter(measure=linked["on_time"], period="2026-08").exists()
    assert "CP20 Aug 2026: no complaints due and settled, so no figure" in report.derived.skipped
    # November has not ended: no value yet.
    assert not Value.objects.filter(period="2026-11").exists()
    record = ChangeRecord.objects.get(measure_code="CP20", period="2026-09")
    assert record.source == ChangeRecord.Source.IMPORT
    assert record.reason.startswith("Computed from the complaints import of ")


def test_a_value_already_submitted_or_published_is_never_overwritten(
    services: dict[str, Service], linked: dict[str, Measure], pat: User
) -> None:
    published = ValueFactory(
        measure=linked["received"], period="2026-09", actual=5, status=ValueStatus.PUBLISHED
    )
    submitted = ValueFactory(
        measure=linked["on_time"],
        period="2026-10",
        actual=80,
        status=ValueStatus.SUBMITTED,
        numerator=4,
        denominator=5,
    )
    report = import_csv(GOOD, user=pat)
    assert report.derived is not None
    assert (
        "CP21 Sep 2026 is published: not overwritten (restating it is for a person to decide)"
        in (report.derived.skipped)
    )
    assert (
        "CP20 Oct 2026 is submitted: not overwritten (restating it is for a person to decide)"
        in (report.derived.skipped)
    )
    published.refresh_from_db()
    submitted.refresh_from_db()
    assert (published.actual, published.version) == (5, 1)
    assert (submitted.actual, submitted.version) == (80, 1)
    assert Value.objects.get(measure=linked["on_time"], period="2026-09").actual == 50


def test_a_draft_is_updated_and_what_a_person_wrote_is_kept(
    services: dict[str, Service], linked: dict[str, Measure], pat: User
) -> None:
    import_csv(GOOD, user=pat)
    draft = Value.objects.get(measure=linked["on_time"], period="2026-09")
    draft.commentary += "\n\nTwo late replies were in the planning backlog."
    draft.save()
    later = GOOD.replace("10/09/2026,24/09/2026,30/09/2026", "10/09/2026,24/09/2026,23/09/2026")
    report = import_csv(later, user=pat, file_name="crm-export-2.csv")
    assert report.derived is not None
    assert "CP20 Sep 2026: 66.7% (4 of 6)" in report.derived.written
    draft.refresh_from_db()
    assert draft.numerator == 4
    assert "(crm-export-2.csv)" in draft.commentary
    assert draft.commentary.endswith("Two late replies were in the planning backlog.")
    # The same file again: the figures are unchanged, so the draft is left alone.
    version = draft.version
    report = import_csv(later, user=pat, file_name="crm-export-3.csv")
    assert report.derived is not None and report.derived.written == []
    draft.refresh_from_db()
    assert draft.version == version


def test_the_command_derives_a_month_by_hand(
    services: dict[str, Service], linked: dict[str, Measure], pat: User
) -> None:
    import_csv(GOOD)  # as the system, before anyone linked… then clear what it derived
    Value.objects.all().delete()
    out = io.StringIO()
    call_command("derive_feedback_measures", "--month", "2026-09", "--user", "pat", stdout=out)
    assert "CP20 Sep 2026: 50.0% (3 of 6)" in out.getvalue()
    assert Value.objects.filter(period="2026-09").count() == 3
    assert not Value.objects.exclude(period="2026-09").exists()
    with pytest.raises(CommandError, match="not a month"):
        call_command("derive_feedback_measures", "--month", "2026/27-Q1")


def test_the_command_imports_a_file(
    services: dict[str, Service], tmp_path: pytest.TempPathFactory
) -> None:
    path = tmp_path / "export.csv"  # type: ignore[operator]
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_complaints", str(path), stdout=out)
    assert "Imported complaints and compliments: 10 created" in out.getvalue()
    path.write_text(GOOD.replace("16/09/2026", "16/9/26"))
    with pytest.raises(CommandError, match="row 2, column due"):
        call_command("import_complaints", str(path), stdout=io.StringIO())


def test_a_workbook_keeps_dates_on_the_first_of_the_month(services: dict[str, Service]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["reference", "service", "received", "due", "responded", "stage", "kind"])
    sheet.append(
        ["X1", "waste", date(2026, 9, 1), date(2026, 9, 15), date(2026, 10, 1), 2, "complaint"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    from feedback.imports import import_complaints

    report = import_complaints(buffer, file_name="export.xlsx", today=TODAY)
    assert report.ok, report.lines()
    x1 = Complaint.objects.get(reference="X1")
    assert (x1.received, x1.responded, x1.stage) == (date(2026, 9, 1), date(2026, 10, 1), "2")


def test_the_year_figure_follows_the_monthly_rule(services: dict[str, Service]) -> None:
    import_csv(GOOD)
    cs = services["customer-services"].pk
    waste = services["waste"].pk
    # 2026/27: Customer Services has C-001..C-006 due (C-004 in October, on time): 3 of 6.
    assert complaints_in_time_by_service(2026) == {cs: Decimal("50.0"), waste: Decimal("100.0")}
    assert complaints_in_time_by_service(2025) == {}


def test_only_the_performance_team_imports(services: dict[str, Service], hannah: User) -> None:
    report = import_csv(GOOD, user=hannah)
    assert report.lines() == ["Only the performance team imports complaints and compliments"]
    assert not Complaint.objects.exists()
