"""The LG Inform Plus client without a database: signing, retry rules, reading answers, and the
client against recorded answers through a fake transport (paging, 429, 401/403, 5xx, malformed
answers). Nothing here waits: the client's sleep is recorded instead."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarking.lginform.client import (
    DataRow,
    LGInformClient,
    LGInformError,
    MalformedAnswer,
    Request,
    Response,
    RetryPolicy,
    TransportError,
    parse_data,
    retry_after,
    retry_delay,
    sign,
)
from tests.benchmarking.lginform.recorded import (
    AREAS,
    HERE,
    FakeTransport,
    pages,
    query,
    recorded,
    replaying,
)

NOW = datetime(2026, 5, 4, 6, 15, tzinfo=UTC)
KEY, SECRET = "ExamplePPK", "not-a-real-secret"


def client(transport: FakeTransport, slept: list[float], **options: object) -> LGInformClient:
    options.setdefault("areas_per_request", 2)
    return LGInformClient(
        key=KEY,
        secret=SECRET,
        transport=transport,
        sleep=slept.append,
        clock=lambda: NOW,
        **options,  # type: ignore[arg-type]
    )


# --- Signing ------------------------------------------------------------------------------------


def test_a_request_is_signed_with_the_hmac_sha1_of_its_url_and_key() -> None:
    url = (
        "https://webservices.esd.org.uk/data.table?value.valueType=raw&metricType=46"
        "&area=E07000178,E06000023&period=latest:3&columnGrouping=metricType&rowGrouping=area"
    )
    # Worked out with `openssl dgst -sha1 -hmac not-a-real-secret -binary | base64`.
    assert sign(url, KEY, SECRET) == (
        f"{url}&ApplicationKey=ExamplePPK&Signature=D6RP3u%2FBjG627fFLWwKyXoU%2F3rM%3D"
    )


def test_the_signature_is_of_the_decoded_url_and_is_sent_encoded() -> None:
    signed = sign("https://webservices.esd.org.uk/comparisonGroups", "My Key", "s3cret")
    assert signed.startswith(
        "https://webservices.esd.org.uk/comparisonGroups?ApplicationKey=My%20Key&"
    )
    sent = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(signed).query))
    # openssl over "…/comparisonGroups?ApplicationKey=My Key", keyed with s3cret.
    assert sent == {"ApplicationKey": "My Key", "Signature": "GtatvWL4PCi3QBuq9FibL77WoTY="}


def test_without_a_secret_the_key_alone_is_sent() -> None:
    assert (
        sign("https://x.test/data.table?a=1", KEY)
        == "https://x.test/data.table?a=1&ApplicationKey=ExamplePPK"
    )


# --- Retry rules --------------------------------------------------------------------------------


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("30", NOW) == 30
    assert retry_after(" 0 ", NOW) == 0
    assert retry_after("Mon, 04 May 2026 06:16:00 GMT", NOW) == 60
    assert retry_after("Mon, 04 May 2026 06:00:00 GMT", NOW) == 0  # already past
    assert retry_after(None, NOW) is None
    assert retry_after("", NOW) is None
    assert retry_after("soon", NOW) is None
    assert retry_after("-5", NOW) is None


def test_without_retry_after_the_wait_doubles_then_gives_up() -> None:
    policy = RetryPolicy(retries=3, first_delay=2, max_wait=60)
    assert [retry_delay(n, None, policy) for n in (1, 2, 3, 4)] == [2, 4, 8, None]


def test_a_server_asking_for_longer_than_allowed_is_not_waited_for() -> None:
    policy = RetryPolicy(max_wait=60)
    assert retry_delay(1, 60, policy) == 60
    assert retry_delay(1, 61, policy) is None


@given(
    attempt=st.integers(min_value=-3, max_value=20),
    asked=st.one_of(st.none(), st.floats(min_value=0, max_value=10_000)),
    retries=st.integers(min_value=0, max_value=6),
    first=st.floats(min_value=0.1, max_value=30),
    cap=st.floats(min_value=0.1, max_value=300),
)
def test_every_wait_is_bounded_and_attempts_are_finite(
    attempt: int, asked: float | None, retries: int, first: float, cap: float
) -> None:
    policy = RetryPolicy(retries=retries, first_delay=first, max_wait=cap)
    delay = retry_delay(attempt, asked, policy)
    if attempt < 1 or attempt > retries:
        assert delay is None
    elif delay is not None:
        assert 0 <= delay <= cap
        if asked is not None:
            assert delay == asked
    else:
        assert asked is not None and asked > cap


@given(st.integers(min_value=0, max_value=6))
def test_a_request_is_tried_at_most_retries_plus_one_times(retries: int) -> None:
    slept: list[float] = []
    transport = FakeTransport(lambda r: recorded("server-error.html", 503))
    with pytest.raises(LGInformError):
        client(transport, slept, policy=RetryPolicy(retries=retries)).fetch(46, AREAS[:1], latest=3)
    assert len(transport.requests) == retries + 1
    assert len(slept) == retries


# --- Reading answers ----------------------------------------------------------------------------


def test_a_recorded_answer_is_read_into_rows_with_its_nulls() -> None:
    rows = parse_data((HERE / "data-46-page1.json").read_bytes(), 46)
    assert rows[0] == DataRow("E06000023", "Bristol, City of", "2021/22", Decimal("45.6"))
    assert [(r.area, r.period, r.value) for r in rows[2:4]] == [
        ("E06000023", "2023/24", None),
        ("E07000041", "2021/22", Decimal("25.5")),
    ]
    assert len(rows) == 6


def test_a_null_written_as_text_is_no_value() -> None:
    body = b'[{"areaIdentifier": "E07000178", "periodLabel": "2023/24", "value": "null"}]'
    assert parse_data(body, 46) == [DataRow("E07000178", "", "2023/24", None)]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ((HERE / "data-46-page2-truncated.json").read_bytes(), "The answer is not JSON ("),
        (b"\xff\xfe[]", "not UTF-8"),
        (b'{"error": "Unknown metric type"}', "is an object, not a list of records (it has error)"),
        (b"[1]", "Record 1 of the answer is not an object"),
        (
            b'[{"areaIdentifier": "E07000178", "value": 1}]',
            "Record 1 of the answer has no periodLabel",
        ),
        (
            b'[{"metricTypeIdentifier": "47", "areaIdentifier": "E07000178", '
            b'"periodLabel": "2023/24", "value": 1}]',
            "Record 1 of the answer is of metric type 47, not 46",
        ),
        (
            b'[{"areaIdentifier": "E07000178", "periodLabel": "2023/24", "value": true}]',
            "a value that is not a figure",
        ),
    ],
)
def test_a_malformed_answer_says_what_is_wrong(body: bytes, says: str) -> None:
    with pytest.raises(MalformedAnswer) as caught:
        parse_data(body, 46)
    assert says in str(caught.value)


# --- The client against recorded answers --------------------------------------------------------


def test_the_client_pages_by_areas_and_reads_every_page() -> None:
    slept: list[float] = []
    transport = FakeTransport(pages)
    answer = client(transport, slept).fetch(46, AREAS, latest=3)
    assert transport.areas_asked == ["E06000023,E07000041", "E07000066,E07000092", "E07000178"]
    assert (answer.pages, answer.requests, len(answer.rows), slept) == (3, 3, 15, [])
    sent = query(transport.requests[0])
    assert sent["metricType"] == "46"
    assert sent["period"] == "latest:3"
    assert sent["value.valueType"] == "raw"
    assert sent["ApplicationKey"] == KEY
    assert sent["Signature"]
    assert transport.requests[0].url.startswith("https://webservices.esd.org.uk/data.table?")


def test_one_request_asks_for_every_area_when_the_page_is_big_enough() -> None:
    transport = FakeTransport(lambda r: recorded("data-46-all.json"))
    answer = client(transport, [], areas_per_request=100).fetch(46, AREAS, latest=3)
    assert (answer.pages, len(answer.rows)) == (1, 15)
    assert transport.areas_asked == [",".join(AREAS)]


def test_a_429_is_retried_after_the_time_the_server_asks() -> None:
    slept: list[float] = []
    limited = recorded("too-many-requests.txt", 429, retry_after="7")
    transport = replaying(page2=[limited, limited, recorded("data-46-page2.json")])
    answer = client(transport, slept).fetch(46, AREAS, latest=3)
    assert slept == [7, 7]
    assert (answer.requests, len(answer.rows)) == (5, 15)


def test_a_429_asking_for_a_long_wait_stops_the_run_without_waiting() -> None:
    slept: list[float] = []
    when = (NOW + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    transport = replaying(page1=recorded("too-many-requests.txt", 429, retry_after=when))
    with pytest.raises(LGInformError) as caught:
        client(transport, slept).fetch(46, AREAS, latest=3)
    assert slept == []
    assert caught.value.stops_run
    assert "asked to wait 3600 seconds" in str(caught.value)
    assert caught.value.requests == 1


def test_a_429_that_goes_on_gives_up_after_the_retries() -> None:
    slept: list[float] = []
    transport = replaying(page1=recorded("too-many-requests.txt", 429))
    with pytest.raises(LGInformError) as caught:
        client(transport, slept).fetch(46, AREAS, latest=3)
    assert slept == [2, 4, 8]
    assert caught.value.stops_run
    assert str(caught.value).startswith(
        "LG Inform Plus was still limiting requests after 4 attempts"
    )


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_stops_at_once_and_says_which_settings(status: int) -> None:
    slept: list[float] = []
    transport = replaying(page1=recorded("not-authorized.txt", status))
    with pytest.raises(LGInformError) as caught:
        client(transport, slept).fetch(46, AREAS, latest=3)
    assert (len(transport.requests), slept) == (1, [])
    assert caught.value.stops_run
    assert str(caught.value) == (
        f"LG Inform Plus refused the key (HTTP {status}: Not Authorized): check "
        "LGINFORM_API_KEY and LGINFORM_API_SECRET"
    )


def test_a_used_up_allowance_is_told_apart_from_a_bad_key() -> None:
    transport = replaying(page1=recorded("allowance-used.txt", 401))
    with pytest.raises(LGInformError) as caught:
        client(transport, []).fetch(46, AREAS, latest=3)
    assert "usage allowance is used up" in str(caught.value)
    assert caught.value.stops_run


def test_a_server_error_is_retried_and_the_answer_that_follows_is_used() -> None:
    slept: list[float] = []
    transport = replaying(
        page3=[recorded("server-error.html", 500), recorded("data-46-page3.json")]
    )
    answer = client(transport, slept).fetch(46, AREAS, latest=3)
    assert (slept, answer.requests, len(answer.rows)) == ([2], 4, 15)


def test_server_errors_that_go_on_fail_this_metric_only() -> None:
    transport = replaying(page2=recorded("server-error.html", 503))
    with pytest.raises(LGInformError) as caught:
        client(transport, []).fetch(46, AREAS, latest=3)
    assert not caught.value.stops_run
    assert str(caught.value) == (
        "LG Inform Plus did not answer after 4 attempts (HTTP 503: 500 - Internal server error. "
        "Server Error 500 - Internal server error. There is a problem with the resource you are "
        "looking for, and it cannot be displayed.)"
    )
    assert caught.value.requests == 5  # page 1, then page 2 four times


def test_no_connection_is_retried_then_stops_the_run() -> None:
    slept: list[float] = []
    transport = FakeTransport(lambda r: TransportError("timed out"))
    with pytest.raises(LGInformError) as caught:
        client(transport, slept).fetch(46, AREAS, latest=3)
    assert slept == [2, 4, 8]
    assert caught.value.stops_run
    assert str(caught.value) == "LG Inform Plus could not be reached after 4 attempts (timed out)"


def test_another_refusal_fails_the_metric_with_what_the_api_said() -> None:
    transport = replaying(page1=Response(400, b"Unknown metric type: 999999"))
    with pytest.raises(LGInformError) as caught:
        client(transport, []).fetch(999999, AREAS, latest=3)
    assert not caught.value.stops_run
    assert str(caught.value) == (
        "LG Inform Plus refused the request for metric type 999999 "
        "(HTTP 400: Unknown metric type: 999999)"
    )


def test_a_malformed_page_says_which_request_it_answered() -> None:
    transport = replaying(page2=recorded("data-46-page2-truncated.json"))
    with pytest.raises(MalformedAnswer) as caught:
        client(transport, []).fetch(46, AREAS, latest=3)
    assert str(caught.value).endswith("(request 2 of 3, areas E07000066 to E07000092)")
    assert not caught.value.stops_run


def test_no_message_ever_carries_the_key_or_the_signature() -> None:
    for answer in (
        recorded("not-authorized.txt", 401),
        recorded("server-error.html", 503),
        recorded("data-46-page2-truncated.json"),
    ):
        transport = FakeTransport(lambda r, a=answer: a)  # type: ignore[misc]
        with pytest.raises(LGInformError) as caught:
            client(transport, []).fetch(46, AREAS, latest=3)
        signature = query(transport.requests[0])["Signature"]
        assert KEY not in str(caught.value) and signature not in str(caught.value)


def test_a_client_needs_a_key_and_a_web_address() -> None:
    with pytest.raises(ValueError, match="application key"):
        LGInformClient(key="", transport=FakeTransport(pages))
    with pytest.raises(ValueError, match="not an http"):
        LGInformClient(key=KEY, transport=FakeTransport(pages), base_url="file:///etc/passwd")


def test_a_request_carries_the_timeout() -> None:
    transport = FakeTransport(pages)
    client(transport, [], timeout=12.5).fetch(46, AREAS[-1:], latest=3)
    assert transport.requests == [Request(transport.requests[0].url, 12.5)]
