from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PERIODS_PER_YEAR,
    Frequency,
    Period,
    PeriodError,
    financial_year_of,
    fy_label,
    is_due_in,
    last_n,
    latest_complete_period,
    latest_ending_by,
    parse_financial_year,
    parse_period,
    period_containing,
    periods_in_year,
    periods_to_date,
    span_label,
)

M, B, Q, A = Frequency.MONTHLY, Frequency.BIMONTHLY, Frequency.QUARTERLY, Frequency.ANNUAL


def p(code: str) -> Period:
    return parse_period(code)


# --- codes and labels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "period", "label"),
    [
        ("2025-04", Period(2025, M, 1), "Apr 2025"),
        ("2025-12", Period(2025, M, 9), "Dec 2025"),
        ("2026-01", Period(2025, M, 10), "Jan 2026"),
        ("2026-03", Period(2025, M, 12), "Mar 2026"),
        ("2025/26-B1", Period(2025, B, 1), "B1 2025/26"),
        ("2025/26-B6", Period(2025, B, 6), "B6 2025/26"),
        ("2025/26-Q1", Period(2025, Q, 1), "Q1 2025/26"),
        ("2025/26-Q4", Period(2025, Q, 4), "Q4 2025/26"),
        ("2025/26", Period(2025, A, 1), "2025/26"),
        ("1999/00", Period(1999, A, 1), "1999/00"),
        ("1999/00-Q2", Period(1999, Q, 2), "Q2 1999/00"),
    ],
)
def test_code_parses_to_period_and_formats_back(code: str, period: Period, label: str) -> None:
    assert parse_period(code) == period
    assert period.code == code
    assert str(period) == code
    assert period.label == label


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("  2025-04 ", Period(2025, M, 1)),
        ("\t2025/26-Q1\n", Period(2025, Q, 1)),
        ("2025/26-q2", Period(2025, Q, 2)),
        ("2025/26-b3", Period(2025, B, 3)),
    ],
)
def test_parse_ignores_surrounding_spaces_and_letter_case(text: str, period: Period) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2026-13", "Period 2026-13 does not exist"),
        ("2026-00", "Period 2026-00 does not exist"),
        ("2025/26-Q5", "Period 2025/26-Q5 does not exist"),
        ("2025/26-Q0", "Period 2025/26-Q0 does not exist"),
        ("2025/26-B7", "Period 2025/26-B7 does not exist"),
        ("2025/27-Q1", "'2025/27' is not a financial year (expected e.g. 2025/26)"),
        ("2025/27", "'2025/27' is not a financial year (expected e.g. 2025/26)"),
        (
            "abc",
            "'abc' is not a period code (expected 2025-04, 2025/26-Q1, 2025/26-B1 or 2025/26)",
        ),
        ("", "'' is not a period code (expected 2025-04, 2025/26-Q1, 2025/26-B1 or 2025/26)"),
        ("2025-4", "'2025-4' is not a period code"),
        ("2025/26-X1", "'2025/26-X1' is not a period code"),
        ("2025/26 Q1", "'2025/26 Q1' is not a period code"),
    ],
)
def test_invalid_code_says_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(PeriodError) as excinfo:
        parse_period(code)
    assert str(excinfo.value).startswith(message)


def test_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


@pytest.mark.parametrize(
    ("year", "frequency", "index"),
    [(2025, M, 0), (2025, M, 13), (2025, B, 7), (2025, Q, 5), (2025, A, 2), (MAX_YEAR + 1, A, 1)],
)
def test_period_out_of_range_is_rejected(year: int, frequency: Frequency, index: int) -> None:
    with pytest.raises(PeriodError):
        Period(year, frequency, index)


def test_period_accepts_frequency_as_plain_string() -> None:
    period = Period(2025, "quarterly", 1)  # type: ignore[arg-type]
    assert period.frequency is Frequency.QUARTERLY
    assert period == Period(2025, Q, 1)


def test_unknown_frequency_is_rejected() -> None:
    with pytest.raises(PeriodError, match="'weekly' is not a frequency"):
        Period(2025, "weekly", 1)  # type: ignore[arg-type]


# --- financial years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"), [("2025/26", 2025), ("1999/00", 1999), (" 2099/00 ", 2099)]
)
def test_parse_financial_year(text: str, year: int) -> None:
    assert parse_financial_year(text) == year


@pytest.mark.parametrize("text", ["2025/27", "2025/25", "2025", "2025/2026", "", "25/26"])
def test_invalid_financial_year_is_rejected(text: str) -> None:
    with pytest.raises(PeriodError, match="is not a financial year"):
        parse_financial_year(text)


@pytest.mark.parametrize(
    ("year", "label"), [(2025, "2025/26"), (1999, "1999/00"), (2009, "2009/10")]
)
def test_fy_label(year: int, label: str) -> None:
    assert fy_label(year) == label
    assert Period(year, A, 1).fy_label == label


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 4, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
    ],
)
def test_financial_year_changes_between_31_march_and_1_april(day: date, year: int) -> None:
    assert financial_year_of(day) == year


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2025-04", date(2025, 4, 1), date(2025, 4, 30)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2025/26-Q1", date(2025, 4, 1), date(2025, 6, 30)),
        ("2025/26-Q3", date(2025, 10, 1), date(2025, 12, 31)),
        ("2025/26-Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("2025/26-B1", date(2025, 4, 1), date(2025, 5, 31)),
        ("2025/26-B6", date(2026, 2, 1), date(2026, 3, 31)),
        ("2025/26", date(2025, 4, 1), date(2026, 3, 31)),
    ],
)
def test_start_and_end_are_inclusive_first_and_last_days(code: str, start: date, end: date) -> None:
    assert (p(code).start, p(code).end) == (start, end)


@pytest.mark.parametrize(
    ("code", "months"),
    [
        ("2025-05", ["2025-05"]),
        ("2025/26-Q4", ["2026-01", "2026-02", "2026-03"]),
        ("2025/26-B6", ["2026-02", "2026-03"]),
        ("2025/26-Q2", ["2025-07", "2025-08", "2025-09"]),
    ],
)
def test_months_covered(code: str, months: list[str]) -> None:
    assert [m.code for m in p(code).months()] == months


def test_a_year_covers_twelve_months_april_to_march() -> None:
    months = p("2025/26").months()
    assert [m.code for m in months][0::11] == ["2025-04", "2026-03"]
    assert len(months) == 12


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2025/26-Q4", "2026-01", True),
        ("2025/26-Q4", "2025-12", False),
        ("2025/26", "2025/26-B6", True),
        ("2025/26", "2026-04", False),
        ("2025/26-Q1", "2025/26-Q1", True),
        ("2025-04", "2025/26-Q1", False),
        ("2025/26-Q1", "2025/26-B2", False),
    ],
)
def test_contains(outer: str, inner: str, expected: bool) -> None:
    assert p(outer).contains(p(inner)) is expected


# --- stepping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("2025-04", "2025-03"),
        ("2026-01", "2025-12"),
        ("2025/26-Q1", "2024/25-Q4"),
        ("2025/26-Q3", "2025/26-Q2"),
        ("2025/26-B1", "2024/25-B6"),
        ("2025/26", "2024/25"),
    ],
)
def test_previous_and_next_cross_financial_years(code: str, previous: str) -> None:
    assert p(code).previous() == p(previous)
    assert p(previous).next() == p(code)


@pytest.mark.parametrize(
    ("code", "last_year"),
    [("2026-01", "2025-01"), ("2025/26-Q4", "2024/25-Q4"), ("2025/26-B2", "2024/25-B2")],
)
def test_same_period_last_year(code: str, last_year: str) -> None:
    assert p(code).same_period_last_year() == p(last_year)


# --- due dates and lateness ------------------------------------------------------------------


def test_due_date_is_period_end_plus_due_days() -> None:
    assert p("2025/26-Q1").due_date(20) == date(2025, 7, 20)
    assert p("2025-04").due_date(0) == date(2025, 4, 30)


@pytest.mark.parametrize(
    ("today", "late"),
    [(date(2025, 7, 19), False), (date(2025, 7, 20), False), (date(2025, 7, 21), True)],
)
def test_late_only_after_the_due_date(today: date, late: bool) -> None:
    assert p("2025/26-Q1").is_late(20, today) is late


# --- whole-year helpers ----------------------------------------------------------------------


def test_periods_in_year() -> None:
    assert [q.code for q in periods_in_year(2025, Q)] == [
        "2025/26-Q1",
        "2025/26-Q2",
        "2025/26-Q3",
        "2025/26-Q4",
    ]
    assert len(periods_in_year(2025, "monthly")) == 12
    assert periods_in_year(2025, A) == [p("2025/26")]


def test_periods_to_date_starts_at_april() -> None:
    assert [m.code for m in periods_to_date(p("2025-06"))] == ["2025-04", "2025-05", "2025-06"]
    assert periods_to_date(p("2025/26-Q1")) == [p("2025/26-Q1")]
    assert len(periods_to_date(p("2026-03"))) == 12


@pytest.mark.parametrize(
    ("today", "frequency", "code"),
    [
        (date(2025, 5, 15), M, "2025-04"),
        (date(2025, 5, 1), M, "2025-04"),
        (date(2025, 4, 30), M, "2025-03"),
        (date(2025, 7, 1), Q, "2025/26-Q1"),
        (date(2025, 6, 30), Q, "2024/25-Q4"),
        (date(2025, 4, 1), Q, "2024/25-Q4"),
        (date(2025, 6, 1), B, "2025/26-B1"),
        (date(2026, 4, 1), A, "2025/26"),
        (date(2026, 3, 31), A, "2024/25"),
    ],
)
def test_latest_complete_period_ended_before_today(
    today: date, frequency: Frequency, code: str
) -> None:
    assert latest_complete_period(today, frequency) == p(code)


@pytest.mark.parametrize(
    ("month", "frequency", "code"),
    [
        ("2025-06", Q, "2025/26-Q1"),
        ("2025-07", Q, "2025/26-Q1"),
        ("2025-05", Q, "2024/25-Q4"),
        ("2025-05", B, "2025/26-B1"),
        ("2025-06", B, "2025/26-B1"),
        ("2025-06", M, "2025-06"),
        ("2026-02", A, "2024/25"),
        ("2026-03", A, "2025/26"),
    ],
)
def test_latest_ending_by(month: str, frequency: Frequency, code: str) -> None:
    assert latest_ending_by(p(month), frequency) == p(code)


@pytest.mark.parametrize(
    ("frequency", "due_months"),
    [
        (M, {"2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
             "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"}),
        (B, {"2025-05", "2025-07", "2025-09", "2025-11", "2026-01", "2026-03"}),
        (Q, {"2025-06", "2025-09", "2025-12", "2026-03"}),
        (A, {"2026-03"}),
    ],
)  # fmt: skip
def test_is_due_in(frequency: Frequency, due_months: set[str]) -> None:
    due = {m.code for m in periods_in_year(2025, M) if is_due_in(frequency, m)}
    assert due == due_months


@pytest.mark.parametrize(
    ("code", "n", "expected"),
    [
        ("2025-05", 3, ["2025-03", "2025-04", "2025-05"]),
        ("2025/26-Q1", 2, ["2024/25-Q4", "2025/26-Q1"]),
        ("2025-05", 1, ["2025-05"]),
        ("2025-05", 0, []),
    ],
)
def test_last_n_oldest_first(code: str, n: int, expected: list[str]) -> None:
    assert [x.code for x in last_n(p(code), n)] == expected


def test_last_n_reaches_the_earliest_supported_year() -> None:
    assert last_n(Period(MIN_YEAR, M, 2), 2) == [Period(MIN_YEAR, M, 1), Period(MIN_YEAR, M, 2)]


def test_last_n_rejects_negative_n() -> None:
    with pytest.raises(PeriodError, match="-1"):
        last_n(p("2025-05"), -1)


def test_periods_sort_in_time_order_within_a_frequency() -> None:
    codes = ["2026-01", "2025-04", "2024-12", "2025-12"]
    assert [x.code for x in sorted(p(c) for c in codes)] == [
        "2024-12",
        "2025-04",
        "2025-12",
        "2026-01",
    ]


# --- properties ------------------------------------------------------------------------------

frequencies = st.sampled_from(list(Frequency))
# Keep inside the supported range so that next() and stepping back ten periods always exist.
years = st.integers(min_value=MIN_YEAR + 10, max_value=MAX_YEAR - 1)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    frequency = draw(frequencies)
    index = draw(st.integers(min_value=1, max_value=PERIODS_PER_YEAR[frequency]))
    return Period(draw(years), frequency, index)


dates = st.dates(min_value=date(MIN_YEAR, 4, 1), max_value=date(MAX_YEAR + 1, 3, 31))


@given(periods())
def test_code_round_trips(period: Period) -> None:
    assert parse_period(period.code) == period


@given(periods())
def test_previous_then_next_is_identity(period: Period) -> None:
    assert period.previous().next() == period
    assert period.next().previous() == period


@given(periods())
def test_periods_are_contiguous(period: Period) -> None:
    assert period.start <= period.end
    assert period.next().start == period.end + timedelta(days=1)
    assert period.previous() < period < period.next()


@given(periods())
def test_period_starts_in_its_financial_year(period: Period) -> None:
    assert financial_year_of(period.start) == period.year
    assert financial_year_of(period.end) == period.year


@given(periods())
def test_months_are_consecutive_and_span_the_period(period: Period) -> None:
    months = period.months()
    assert len(months) == 12 // PERIODS_PER_YEAR[period.frequency]
    assert months[0].start == period.start
    assert months[-1].end == period.end
    assert all(a.next() == b for a, b in zip(months, months[1:], strict=False))
    assert all(period.contains(m) for m in months)


@given(dates, frequencies)
def test_every_date_lies_in_exactly_one_period_of_each_frequency(
    day: date, frequency: Frequency
) -> None:
    containing = period_containing(day, frequency)
    assert containing.start <= day <= containing.end
    matches = [
        x for x in periods_in_year(financial_year_of(day), frequency) if x.start <= day <= x.end
    ]
    assert matches == [containing]


@given(years, st.integers(min_value=1, max_value=4))
def test_quarter_months_are_three_consecutive_months(year: int, index: int) -> None:
    quarter = Period(year, Q, index)
    months = quarter.months()
    assert len(months) == 3
    assert months[1] == months[0].next()
    assert months[2] == months[1].next()


@given(periods(), st.integers(min_value=0, max_value=10))
def test_last_n_ends_with_period_and_steps_back_one_at_a_time(period: Period, n: int) -> None:
    result = last_n(period, n)
    assert len(result) == n
    if n:
        assert result[-1] == period
    assert all(a.next() == b for a, b in zip(result, result[1:], strict=False))


# --- the span a year to date was taken over ----------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "label"),
    [
        ([], ""),
        (["2026-04"], "Apr"),
        (["2026-04", "2026-05", "2026-06"], "Apr–Jun"),
        (["2026-06", "2026-04", "2026-05"], "Apr–Jun"),
        (["2026-04", "2026-05", "2026-07"], "Apr–May, Jul"),
        (["2026-04", "2026-06", "2026-08", "2026-09"], "Apr, Jun, Aug–Sep"),
        (["2026-12", "2027-01", "2027-02", "2027-03"], "Dec–Mar"),
        (["2026/27-Q1"], "Apr–Jun"),
        (["2026/27-Q1", "2026/27-Q2"], "Apr–Sep"),
        (["2026/27-Q1", "2026/27-Q3"], "Apr–Jun, Oct–Dec"),
        (["2026/27-B2"], "Jun–Jul"),
        (["2025/26"], "2025/26"),
    ],
)
def test_span_label_names_the_months_covered(codes: list[str], label: str) -> None:
    assert span_label([p(c) for c in codes]) == label


@given(
    st.sets(st.integers(min_value=1, max_value=12), min_size=1),
    st.integers(min_value=2000, max_value=2100),
)
def test_span_label_of_a_contiguous_run_is_its_first_and_last_month(
    indexes: set[int], year: int
) -> None:
    chosen = [Period(year, M, i) for i in indexes]
    label = span_label(chosen)
    runs = label.split(", ")
    # One run per gap, each naming months in order; every month chosen is inside one run.
    gaps = sum(1 for i in indexes if i > min(indexes) and i - 1 not in indexes)
    assert len(runs) == gaps + 1
    if len(indexes) == max(indexes) - min(indexes) + 1 and len(indexes) > 1:
        first, last = min(chosen), max(chosen)
        assert label == f"{first.label[:3]}–{last.label[:3]}"
