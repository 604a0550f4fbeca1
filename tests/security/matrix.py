"""The permission matrix: every URL pattern of the project, and what each persona gets from it.

`test_permission_matrix.py` walks `get_resolver().url_patterns` (pages, API router, format
suffixes, `re_path`s, the admin) and fails for any pattern without a row here, saying which and
how to add it. Each row says how to build a concrete URL from the world of `world.py` (the
`{placeholders}` are its `ids`), the expected outcome of a GET for each persona, which figures
must never appear in the response for whom (lists and exports are filtered per object), and for
mutating endpoints the writes: the outcome per persona, and who is allowed to change anything
(everyone else's request must leave every table exactly as it was).

Personas: anonymous (the public, signed out), noroles (signed in, no role: the public signed in),
alice (waste officer: the owning service), bob (housing officer: another service), hannah (head
of waste), dora (waste data-quality champion), sam (scrutiny), member (an elected member: all
councillors), carol (CMT), pat (performance).

A councillor reads what scrutiny reads (issue 17): `expect()` gives member sam's outcome
wherever sam's is named and member's is not; a row names member where they differ.

To add a row for a new page: `Row("route as enumerated", "/concrete/url/", get=SIGNED_IN)`,
choosing or writing an `expect(...)`. For a model registered in the admin: one line in
ADMIN_MODELS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.world import (
    APPROVED,
    CMT_PACK,
    DRAFTS,
    HOUSING_DRAFT,
    MONTH,
    PERSONAS,
    PRIVATE,
    PUBLISHED,
    SUBMITTED,
    UNPUBLISHED,
    WASTE_DRAFT,
)

# Outcomes: an HTTP status, or a redirect to one of these.
LOGIN = "login"  # 302 to the sign-in page
ADMIN_LOGIN = "admin login"  # 302 to the admin's sign-in page
REDIRECT = "redirect"  # 302 anywhere else
SKIP = "not checked"  # the persona's outcome is not asserted (e.g. a valid admin edit)
Outcome = int | str


def expect(default: Outcome, **persona: Outcome) -> dict[str, Outcome]:
    """Every persona gets `default` except those named; member, unless named, gets sam's."""
    unknown = set(persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    if "sam" in persona and "member" not in persona:
        persona = {**persona, "member": persona["sam"]}
    return {p: persona.get(p, default) for p in PERSONAS}


PUBLISHED_ONLY = ("anonymous", "noroles", "sam", "member")  # who sees published values only
EDITORS = frozenset({"alice", "hannah", "pat"})  # may enter waste values
APPROVERS = frozenset({"hannah", "pat"})  # may approve waste values (never their own)
TEAM = frozenset({"pat"})
WASTE_MANAGERS = frozenset({"hannah", "pat"})  # head of waste, performance team

ANYONE = expect(200)
SIGNED_IN = expect(200, anonymous=LOGIN)
TEAM_PAGE = expect(403, anonymous=LOGIN, pat=200)
POST_ONLY = expect(405, anonymous=LOGIN)
EDITOR_PAGE = expect(403, anonymous=LOGIN, alice=200, hannah=200, pat=200)
MANAGER_PAGE = expect(403, anonymous=LOGIN, hannah=200, pat=200)
# The API needs authentication and answers 403 (never a redirect) to the signed out.
API = expect(200, anonymous=403)
API_POST_ONLY = expect(405, anonymous=403)
# Staff see values once submitted; the published-only personas never see what is not published.
STAFF_FIGURES = {
    **{p: UNPUBLISHED for p in PUBLISHED_ONLY},
    **{p: DRAFTS for p in PERSONAS if p not in PUBLISHED_ONLY},
}
PUBLIC_FIGURES = {p: (*UNPUBLISHED, PRIVATE) for p in PERSONAS}
# The API's list of values adds the drafts of the measures one enters.
API_VALUES = {
    **{p: UNPUBLISHED for p in PUBLISHED_ONLY},
    "alice": (HOUSING_DRAFT,),
    "hannah": (HOUSING_DRAFT,),
    "bob": (WASTE_DRAFT,),
    "dora": DRAFTS,
    "carol": DRAFTS,
}


@dataclass(frozen=True)
class Write:
    """A mutating request: the outcome per persona, and who may change anything."""

    data: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    expect: dict[str, Outcome]
    changes: frozenset[str]
    method: str = "post"
    url: str | None = None  # when it differs from the row's
    json: bool = False


@dataclass(frozen=True)
class Row:
    route: str
    url: str
    get: dict[str, Outcome]
    hide: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    show: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    writes: tuple[Write, ...] = ()


def _values_csv() -> dict[str, Any]:
    body = f"measure,period,value,corrective_action\nWST-DRF,{MONTH},44.91,Recovery plan\n"
    return {"kind": "values", "file": SimpleUploadedFile("v.csv", body.encode(), "text/csv")}


def _benchmarks_csv() -> dict[str, Any]:
    body = b"area_code,period,value\nE07000178,2024/25,40.5\n"
    return {"metric": "ENV18", "file": SimpleUploadedFile("b.csv", body, "text/csv")}


EXERCISE = {
    "service": "{waste}",
    "year": "2026",
    "title": "Fleet costs",
    "sector": "within",
    "partner": "Oxfordshire districts",
    "scope": "Cost per vehicle",
    "status": "planned",
}
DRAFT_FORM = {
    "version": "{version_wst_drf}",
    "actual": "44.58",
    "corrective_action": "Recovery plan",
    "dq_flag": "final",
    "action": "save",
}
GRID_FORM = {
    "WST-DRF-version": "{version_wst_drf}",
    "WST-DRF-actual": "44.59",
    "WST-DRF-corrective_action": "Recovery plan",
    "action": "save",
}


def transition(action: str, value: str, allowed: frozenset[str], **codes: Outcome) -> Write:
    """A POST to /values/ID/ACTION/: 302 back to "My work" for those allowed."""
    outcome = expect(403, anonymous=LOGIN, noroles=404, sam=404, **codes)
    outcome |= {p: REDIRECT for p in allowed}
    return Write(
        {"reason": "Check the figure", "version": f"{{version_{value}}}"},
        outcome,
        allowed,
        url=f"/values/{{value_{value}}}/{action}/",
    )


def api_action(
    suffix: str, action: str, value: str, allowed: frozenset[str], **codes: Outcome
) -> Write:
    """A POST to /api/v1/values/ID/ACTION/ (or its format suffix .json)."""
    outcome = expect(403, **codes) | {p: 200 for p in allowed}
    return Write(
        {"reason": "Check the figure", "version": f"{{version_{value}}}"},
        outcome,
        allowed,
        url=f"/api/v1/values/{{value_{value}}}/{action}{suffix}",
        json=True,
    )


def api_value_rows() -> list[Row]:
    """The values API with and without its format suffix (`.json`): the same rules."""
    rows: list[Row] = []
    # Submitted values are visible to every member of staff; a draft only to its editors.
    hidden_draft = {"noroles": 404, "bob": 404, "dora": 404, "sam": 404, "carol": 404}
    for suffix, tail in (("/", "/$"), (".json", "\\.(?P<format>[a-z0-9]+)/?$")):
        rows.append(
            Row(
                f"api/v1/^values{tail}",
                f"/api/v1/values{suffix}",
                get=API,
                hide=API_VALUES,
                show={"alice": (WASTE_DRAFT,), "pat": DRAFTS, "carol": (SUBMITTED,)},
                writes=(
                    Write(
                        {"measure": "WST-PUB", "period": "2026-08", "actual": "61.01"},
                        expect(403) | {p: 201 for p in EDITORS},
                        EDITORS,
                        json=True,
                    ),
                ),
            )
        )
        rows.append(
            Row(
                f"api/v1/^values/(?P<pk>[^/.]+){tail}",
                f"/api/v1/values/{{value_wst_drf}}{suffix}",
                get=expect(200, anonymous=403, **hidden_draft),
                writes=(
                    Write(
                        {"actual": "44.61", "version": "{version_wst_drf}"},
                        expect(403, **hidden_draft) | {p: 200 for p in EDITORS},
                        EDITORS,
                        method="patch",
                        json=True,
                    ),
                    Write(
                        {
                            "actual": "44.62",
                            "corrective_action": "Recovery plan",
                            "version": "{version_wst_drf}",
                        },
                        expect(403, **hidden_draft) | {p: 200 for p in EDITORS},
                        EDITORS,
                        method="put",
                        json=True,
                    ),
                    # Values are never deleted through the API.
                    Write({}, expect(405, anonymous=403), frozenset(), method="delete"),
                ),
            )
        )
        for action, value, allowed, codes in (
            ("submit", "wst_drf", EDITORS, hidden_draft),
            ("approve", "wst_sub", APPROVERS, {"noroles": 404, "sam": 404}),
            ("return", "wst_app", APPROVERS, {"noroles": 404, "sam": 404}),
            ("publish", "wst_app", TEAM, {"noroles": 404, "sam": 404}),
            ("withdraw", "wst_pub", TEAM, {}),
        ):
            rows.append(
                Row(
                    f"api/v1/^values/(?P<pk>[^/.]+)/{action}{tail}",
                    f"/api/v1/values/{{value_{value}}}/{action}{suffix}",
                    get=API_POST_ONLY,
                    writes=(api_action(suffix, action, value, allowed, **codes),),
                )
            )
    return rows


def api_read_rows() -> list[Row]:
    """Read-only API lists and details (a POST is refused as a method not allowed)."""
    specs = [
        ("services", "code", "waste", True),
        ("measures", "code", "WST-PUB", True),
        ("benchmarks/metrics", "code", "{metric}", False),
        ("benchmarks/authorities", "code", "{authority}", False),
        ("benchmarks/groups", "slug", "{group}", False),
        ("benchmarks/values", "pk", "{benchmark_value}", False),
        ("benchmarks/exercises", "pk", "{housing_exercise}", False),
        ("benchmarks/good-practice", "pk", "{good_practice}", False),
    ]
    rows: list[Row] = []
    refused = Write({"title": "x"}, expect(405, anonymous=403), frozenset(), json=True)
    for prefix, key, sample, with_suffix in specs:
        tails = [("/", "/$")]
        if with_suffix:
            tails.append((".json", "\\.(?P<format>[a-z0-9]+)/?$"))
        for suffix, tail in tails:
            rows.append(
                Row(f"api/v1/^{prefix}{tail}", f"/api/v1/{prefix}{suffix}", API, writes=(refused,))
            )
            rows.append(
                Row(
                    f"api/v1/^{prefix}/(?P<{key}>[^/.]+){tail}",
                    f"/api/v1/{prefix}/{sample}{suffix}",
                    API,
                    writes=(refused,),
                )
            )
    return rows


def api_report_run_rows() -> list[Row]:
    """Report runs: each for those who may download its pack, with its narrative; read only."""
    refused = Write({"title": "x"}, expect(405, anonymous=403), frozenset(), json=True)
    one = expect(404, anonymous=403, carol=200, pat=200)
    rows: list[Row] = []
    for suffix, tail in [("/", "/$"), (".json", "\\.(?P<format>[a-z0-9]+)/?$")]:
        rows.append(
            Row(
                f"api/v1/^reports/runs{tail}",
                f"/api/v1/reports/runs{suffix}",
                API,
                writes=(refused,),
            )
        )
        rows.append(
            Row(
                f"api/v1/^reports/runs/(?P<pk>[^/.]+){tail}",
                f"/api/v1/reports/runs/{{run_cmt}}{suffix}",
                one,
                hide={p: DRAFTS for p in PERSONAS},
                show={"carol": ("pack.pptx",)},
                writes=(refused,),
            )
        )
    return rows


ROWS: list[Row] = [
    # The corporate dashboard and service scorecards: staff see submitted values, no drafts.
    Row(
        "",
        f"/?period={MONTH}&kind=",
        SIGNED_IN,
        hide=STAFF_FIGURES,
        show={"sam": (PUBLISHED,), "carol": (SUBMITTED, APPROVED)},
    ),
    Row(
        "services/<slug:code>/",
        f"/services/waste/?period={MONTH}",
        SIGNED_IN,
        hide=STAFF_FIGURES,
        show={"noroles": (PUBLISHED,), "bob": (SUBMITTED,)},
    ),
    # The list of services (issue 16): names only, for everyone signed in; and its export.
    Row("services/", "/services/", SIGNED_IN),
    Row("favicon.ico", "/favicon.ico", expect(REDIRECT)),
    # The public page and open data: published values of public measures, for everyone.
    # The cards show each measure's latest figure and a trend; the world's one published figure
    # is older than the month the page opens at, so its card is there, its figure on its page.
    Row("public/", "/public/", ANYONE, hide=PUBLIC_FIGURES, show={"anonymous": ("WST-PUB",)}),
    Row(
        "public/data.csv",
        "/public/data.csv",
        ANYONE,
        hide=PUBLIC_FIGURES,
        show={"sam": (PUBLISHED,)},
    ),
    Row(
        "public/data.json",
        "/public/data.json",
        ANYONE,
        hide=PUBLIC_FIGURES,
        show={"anonymous": (PUBLISHED,)},
    ),
    Row("public/measures/<str:code>/", "/public/measures/WST-SUB/", ANYONE, hide=PUBLIC_FIGURES),
    # The report archive: each run for those its schedule names; packs of unpublished values for
    # staff only; the signed out asked to sign in except for public packs.
    Row(
        "reports/",
        "/reports/",
        SIGNED_IN,
        hide={p: (CMT_PACK,) for p in PERSONAS if p not in ("carol", "pat")},
        show={"carol": (CMT_PACK,)},
        writes=(Write({"x": "1"}, POST_ONLY, frozenset()),),
    ),
    Row("reports/public/", "/reports/public/", ANYONE, hide={p: (CMT_PACK,) for p in PERSONAS}),
    Row(
        "reports/runs/<int:pk>/",
        "/reports/runs/{run_cmt}/",
        expect(404, anonymous=LOGIN, carol=200, pat=200),
        show={"carol": (SUBMITTED,)},
    ),
    # "What changed": the performance team rewrites a draft pack's narrative (issue 19).
    Row(
        "reports/runs/<int:pk>/narrative/",
        "/reports/runs/{run_cmt}/narrative/",
        POST_ONLY,
        writes=(
            Write(
                {"text": "Figures as printed."},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
    Row(
        "reports/runs/<int:pk>/pack.pdf",
        "/reports/runs/{run_members}/pack.pdf",
        expect(200, anonymous=LOGIN, noroles=404),
    ),
    # The board slides: exactly whoever may download the PDF (made on first download here).
    Row(
        "reports/runs/<int:pk>/pack.pptx",
        "/reports/runs/{run_members}/pack.pptx",
        expect(200, anonymous=LOGIN, noroles=404),
        hide={p: UNPUBLISHED for p in PERSONAS},
        show={"sam": (PUBLISHED,)},
    ),
    Row(
        "reports/runs/<int:pk>/figures.csv",
        "/reports/runs/{run_public}/figures.csv",
        ANYONE,
        hide={p: UNPUBLISHED for p in PERSONAS},
        show={"anonymous": (PUBLISHED,)},
    ),
    Row(
        "reports/runs/<int:pk>/figures.xlsx",
        "/reports/runs/{run_cmt}/figures.xlsx",
        expect(404, anonymous=LOGIN, carol=200, pat=200),
        hide={p: DRAFTS for p in PERSONAS},
        show={"carol": (SUBMITTED, APPROVED)},
    ),
    Row(
        "reports/schedules/<slug:code>/generate/",
        "/reports/schedules/cmt-bimonthly/generate/",
        POST_ONLY,
        writes=(
            Write(
                {"cmt-bimonthly-period": "2026/27-B3", "cmt-bimonthly-force": "on"},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
    # Signing in and out.
    Row("login/", "/login/", expect(REDIRECT, anonymous=200)),
    Row("logout/", "/logout/", POST_ONLY),
    # Entering values and the workflow.
    Row(
        "my/",
        "/my/",
        SIGNED_IN,
        hide={
            **{p: UNPUBLISHED for p in PUBLISHED_ONLY},
            "alice": (HOUSING_DRAFT,),
            "bob": (WASTE_DRAFT,),
            "dora": DRAFTS,
            "carol": DRAFTS,
        },
    ),
    Row(
        "measures/<str:code>/",
        "/measures/WST-SUB/",
        SIGNED_IN,
        hide={p: (SUBMITTED,) for p in PUBLISHED_ONLY},
        show={"bob": (SUBMITTED,)},
    ),
    Row(
        "measures/<str:code>/enter/",
        f"/measures/WST-DRF/enter/?period={MONTH}",
        EDITOR_PAGE,
        hide={p: (WASTE_DRAFT,) for p in PERSONAS if p not in EDITORS},
        show={"alice": (WASTE_DRAFT,)},
        writes=(
            Write(DRAFT_FORM, EDITOR_PAGE | {p: REDIRECT for p in EDITORS}, EDITORS),
            # Nobody but the performance team changes a submitted value.
            Write(
                {**DRAFT_FORM, "version": "{version_wst_sub}"},
                EDITOR_PAGE | {"pat": REDIRECT},
                TEAM,
                url=f"/measures/WST-SUB/enter/?period={MONTH}",
            ),
        ),
    ),
    Row(
        "measures/<str:code>/preview/",
        f"/measures/WST-DRF/preview/?period={MONTH}&actual=3",
        EDITOR_PAGE,
    ),
    Row(
        "measures/<str:code>/history/",
        "/measures/WST-SUB/history/",
        expect(200, anonymous=LOGIN, noroles=403, sam=403),
    ),
    Row(
        "services/<slug:code>/enter/",
        f"/services/waste/enter/?period={MONTH}",
        EDITOR_PAGE,
        hide={p: (WASTE_DRAFT,) for p in PERSONAS if p not in EDITORS},
        writes=(Write(GRID_FORM, EDITOR_PAGE | {p: REDIRECT for p in EDITORS}, EDITORS),),
    ),
    Row(
        "values/<int:pk>/evidence/",
        "/values/{value_wst_drf}/evidence/",
        expect(404, anonymous=LOGIN, alice=200, hannah=200, pat=200),
    ),
    Row(
        "^values/(?P<pk>[0-9]+)/(?P<action>submit|approve|return)/$",
        "/values/{value_wst_sub}/approve/",
        POST_ONLY,
        writes=(
            transition("submit", "wst_drf", EDITORS),
            # alice submitted it: she may not approve it (403), nor may anyone outside waste.
            transition("approve", "wst_sub", APPROVERS),
            transition("return", "wst_app", APPROVERS),
            # Publishing is previewed first: tests/security/matrix_approvals.py.
        ),
    ),
    Row(
        "upload/",
        "/upload/",
        expect(403, anonymous=LOGIN, alice=200, bob=200, hannah=200, pat=200),
        writes=(
            # bob may upload values, but not of waste's measures: refused, nothing written.
            Write(
                _values_csv,
                expect(
                    403, anonymous=LOGIN, alice=REDIRECT, bob=400, hannah=REDIRECT, pat=REDIRECT
                ),
                EDITORS,
            ),
        ),
    ),
    # Benchmarking: read by all staff; imports by the performance team; exercises and good
    # practice by the head of the service and the performance team.
    Row("benchmarking/", "/benchmarking/", SIGNED_IN),
    Row("benchmarking/metrics/", "/benchmarking/metrics/", SIGNED_IN),
    Row("benchmarking/metrics/<str:code>/", "/benchmarking/metrics/{metric}/", SIGNED_IN),
    Row("benchmarking/groups/", "/benchmarking/groups/", SIGNED_IN),
    Row("benchmarking/groups/<slug:slug>/", "/benchmarking/groups/{group}/", SIGNED_IN),
    Row(
        "benchmarking/upload/",
        "/benchmarking/upload/",
        TEAM_PAGE,
        writes=(Write(_benchmarks_csv, TEAM_PAGE, TEAM),),
    ),
    Row("benchmarking/exercises/", "/benchmarking/exercises/", SIGNED_IN),
    Row(
        "benchmarking/exercises/new/",
        "/benchmarking/exercises/new/",
        MANAGER_PAGE,
        writes=(
            Write(EXERCISE, MANAGER_PAGE | {"hannah": REDIRECT, "pat": REDIRECT}, WASTE_MANAGERS),
        ),
    ),
    Row("benchmarking/exercises/<int:pk>/", "/benchmarking/exercises/{exercise}/", SIGNED_IN),
    Row(
        "benchmarking/exercises/<int:pk>/edit/",
        "/benchmarking/exercises/{exercise}/edit/",
        MANAGER_PAGE,
        writes=(
            Write(EXERCISE, MANAGER_PAGE | {"hannah": REDIRECT, "pat": REDIRECT}, WASTE_MANAGERS),
            # The head of waste cannot change housing's exercise.
            Write(
                {**EXERCISE, "service": "{housing}"},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
                url="/benchmarking/exercises/{housing_exercise}/edit/",
            ),
        ),
    ),
    Row("benchmarking/compliance/", "/benchmarking/compliance/", SIGNED_IN),
    Row("benchmarking/good-practice/", "/benchmarking/good-practice/", SIGNED_IN),
    Row(
        "benchmarking/good-practice/new/",
        "/benchmarking/good-practice/new/",
        MANAGER_PAGE,
        writes=(
            Write(
                {
                    "service": "{waste}",
                    "topic": "Bulky waste",
                    "title": "Online booking",
                    "description": "Residents book collections online.",
                    "found_at": "Cherwell District Council",
                    "year": "2026",
                },
                MANAGER_PAGE | {"hannah": REDIRECT, "pat": REDIRECT},
                WASTE_MANAGERS,
            ),
        ),
    ),
    # The API.
    Row(
        "api/v1/scorecard/",
        f"/api/v1/scorecard/?period={MONTH}",
        API,
        hide=STAFF_FIGURES,
        show={"sam": (PUBLISHED,), "carol": (SUBMITTED,)},
        writes=(Write({}, API_POST_ONLY, frozenset(), json=True),),
    ),
    Row(
        "api/v1/benchmarks/position/",
        "/api/v1/benchmarks/position/?metric={metric}&period=2023/24&area={authority}&group=all",
        API,
    ),
    Row(
        "api/v1/benchmarks/trend/",
        "/api/v1/benchmarks/trend/?metric={metric}&area={authority}&group=all",
        API,
    ),
    *api_report_run_rows(),
    *api_value_rows(),
    *api_read_rows(),
    Row("api/v1/", "/api/v1/", API),
    Row("api/v1/<drf_format_suffix:format>", "/api/v1/.json", API),
    Row("api/schema/", "/api/schema/", API),
    Row("api/docs/", "/api/docs/", API),
    # The admin site itself; its models are in ADMIN_MODELS below.
    Row("admin/", "/admin/", expect(ADMIN_LOGIN, pat=200)),
    Row("admin/login/", "/admin/login/", expect(200, pat=REDIRECT)),
    Row("admin/logout/", "/admin/logout/", expect(REDIRECT, anonymous=ADMIN_LOGIN, pat=405)),
    Row("admin/password_change/", "/admin/password_change/", expect(ADMIN_LOGIN, pat=200)),
    Row(
        "admin/password_change/done/", "/admin/password_change/done/", expect(ADMIN_LOGIN, pat=200)
    ),
    Row(
        "admin/autocomplete/",
        "/admin/autocomplete/?app_label=targets&model_name=value&field_name=measure&term=WST",
        expect(ADMIN_LOGIN, pat=200),
    ),
    Row("admin/jsi18n/", "/admin/jsi18n/", expect(ADMIN_LOGIN, pat=200)),
    Row(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        "/admin/r/1/1/",
        expect(ADMIN_LOGIN, pat=404),
    ),
    Row(
        "admin/^(?P<app_label>APPS)/$",
        "/admin/targets/",
        expect(ADMIN_LOGIN, pat=200),
    ),
    Row("admin/(?P<url>.*)$", "/admin/nothing-here/", expect(ADMIN_LOGIN, pat=404)),
    Row(
        "admin/targets/user/<id>/password/",
        "/admin/targets/user/{user_alice}/password/",
        expect(ADMIN_LOGIN, anonymous=LOGIN, pat=200),
        writes=(
            Write(
                {"password1": "A-long-new-passphrase-7", "password2": "A-long-new-passphrase-7"},
                expect(ADMIN_LOGIN, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
]


@dataclass(frozen=True)
class AdminModel:
    """How a model's admin pages answer the performance team (everyone else is sent to the
    admin's sign-in page, the signed out to the site's)."""

    team: bool = True  # False: superusers only (pat gets 403)
    read_only: bool = False  # the audit trail: viewed, never added, changed or deleted
    add: bool = True  # False: made elsewhere (report runs are made by the scheduler)


# One line per model registered in the admin ("app_label.model_name").
ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel(team=False),
    "authtoken.tokenproxy": AdminModel(team=False),
    "django_celery_beat.periodictask": AdminModel(team=False),
    "django_celery_beat.clockedschedule": AdminModel(team=False),
    "django_celery_beat.crontabschedule": AdminModel(team=False),
    "django_celery_beat.solarschedule": AdminModel(team=False),
    "django_celery_beat.intervalschedule": AdminModel(team=False),
    # django-axes' records of sign-in attempts and lockouts: superusers only.
    "axes.accessattempt": AdminModel(team=False),
    "axes.accessfailurelog": AdminModel(team=False),
    "axes.accesslog": AdminModel(team=False),
    "targets.user": AdminModel(),
    "targets.service": AdminModel(),
    "targets.priority": AdminModel(),
    "targets.measure": AdminModel(),
    "targets.target": AdminModel(),
    "targets.value": AdminModel(),
    "targets.changerecord": AdminModel(read_only=True),
    "benchmarking.authority": AdminModel(),
    "benchmarking.comparatorgroup": AdminModel(),
    "benchmarking.groupversion": AdminModel(),
    "benchmarking.metric": AdminModel(),
    "benchmarking.benchmarkvalue": AdminModel(),
    "benchmarking.exercise": AdminModel(),
    "benchmarking.goodpractice": AdminModel(),
    "reporting.reportschedule": AdminModel(),
    "reporting.reportrun": AdminModel(add=False),
}


def admin_rows(label: str, spec: AdminModel, object_id: str) -> list[Row]:
    """The six URL patterns Django's admin gives a model, with their expected outcomes."""
    app, model = label.split(".")
    base = f"admin/{app}/{model}/"
    url = f"/{base}"
    outside = expect(ADMIN_LOGIN, anonymous=LOGIN)

    def pat(ok: Outcome, *, write: bool = False, adding: bool = False) -> dict[str, Outcome]:
        refused = (write and spec.read_only) or (adding and not spec.add)
        return outside | {"pat": 403 if refused or not spec.team else ok}

    # Nobody outside the performance team may change anything; what the team's own valid
    # edits do is for the admin's tests.
    def refused(ok: Outcome, **kind: bool) -> tuple[Write, ...]:
        outcome = pat(ok, **kind)
        if outcome["pat"] != 403:
            outcome["pat"] = SKIP
        return (Write({"post": "yes"}, outcome, frozenset()),)

    return [
        Row(base, url, pat(200), writes=refused(200)),
        Row(
            f"{base}add/",
            f"{url}add/",
            pat(200, adding=True, write=True),
            writes=refused(200, adding=True, write=True),
        ),
        Row(f"{base}<path:object_id>/history/", f"{url}{object_id}/history/", pat(200)),
        Row(
            f"{base}<path:object_id>/delete/",
            f"{url}{object_id}/delete/",
            pat(200, write=True),
            writes=refused(REDIRECT, write=True),
        ),
        Row(
            f"{base}<path:object_id>/change/",
            f"{url}{object_id}/change/",
            pat(200),
            writes=refused(200, write=True),
        ),
        # Django's redirect to the change page: the change page then decides.
        Row(f"{base}<path:object_id>/", f"{url}{object_id}/", outside | {"pat": REDIRECT}),
    ]
