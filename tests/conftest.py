"""Personas shared by the suite: one council, a few people in named roles.

alice: Waste officer (updater); hannah: head of Waste; dora: Waste data quality champion;
bob: Housing officer; pat: performance team; carol: CMT; sam: scrutiny panel.

A persona is taken from the database when a module's world (`module_world`) already holds it,
so that a world built once per module and the personas a test asks for are the same rows.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Model
from django.test import Client, TransactionTestCase
from hypothesis import settings as hypothesis_settings

from config import gc_tuning
from reporting import services
from reporting.packs import deck, pdf
from reporting.packs.snapshot import Pack
from targets.models import CorporateRole, Priority, Service, ServiceRole, User
from tests.factories import ServiceFactory, UserFactory

# Property tests have no deadline: a busy CI machine must not fail an example for taking longer
# than 200 ms (the suite asserts no timings; `make bench` measures them).
hypothesis_settings.register_profile("goldthread", deadline=None)
hypothesis_settings.load_profile("goldthread")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collector tuned as a web process is (`config.gc_tuning`): what is loaded by now (Django,
    the apps, every test module) frozen, and the young generation collected less often. With
    CPython's defaults a test process spent about a sixth of its time collecting."""
    gc.collect()  # what collection left behind is garbage, not start-up to keep
    gc_tuning.tune_for_web()


# Each test file's seconds in a whole run (written by scripts/test_durations.py from a JUnit
# report). Under xdist (`make test`: --dist loadfile --no-loadscope-reorder) each worker is handed
# one file at a time in collection order: the longest go first, so that the run does not end with
# one worker finishing a long file alone while the other waits. Files not listed come last.
DURATIONS = Path(__file__).with_name("durations.json")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput") or not DURATIONS.exists():
        return  # one process: the usual order (pytest-django's, transactional tests last)
    seconds = json.loads(DURATIONS.read_text())
    # Stable: each file's tests keep their order (pytest-django's within the file).
    items.sort(key=lambda item: -seconds.get(item.nodeid.split("::")[0], 0.0))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: cached pages never leak from one test to the next."""
    cache.clear()


# Report packs: WeasyPrint lays out the same markup and charts into the same bytes (checked by
# tests/reporting/test_pack_pdf.py), and the suite makes many packs twice over: a second version,
# a task delivered twice, the same world's pack in several tests. Each test process lays out each
# distinct pack once and writes its bytes again after that (about half the packs of a whole run).
# GOLDTHREAD_TEST_EVERY_LAYOUT=1 lays out every one.
_LAID_OUT: dict[bytes, tuple[bytes, int]] = {}
_LAID_OUT_KEPT = 64


@pytest.fixture(autouse=True, scope="session")
def _each_pack_laid_out_once() -> Iterator[None]:
    if os.environ.get("GOLDTHREAD_TEST_EVERY_LAYOUT"):
        yield
        return
    real = pdf.lay_out

    @functools.wraps(real)
    def lay_out(markup: str, images: pdf.Images, target: Path) -> int:
        key = hashlib.sha256(f"{pdf.PDF_VARIANT}\0{markup}".encode())
        for name, svg in images.svgs.items():
            key.update(f"\0{name}\0".encode() + svg)
        digest = key.digest()
        known = _LAID_OUT.get(digest)
        if known is None:
            pages = real(markup, images, target)
            known = _LAID_OUT[digest] = (Path(target).read_bytes(), pages)
            if len(_LAID_OUT) > _LAID_OUT_KEPT:
                del _LAID_OUT[next(iter(_LAID_OUT))]
        else:
            Path(target).write_bytes(known[0])
        return known[1]

    pdf.lay_out = lay_out  # type: ignore[assignment]
    yield
    pdf.lay_out = real  # type: ignore[assignment]


# Their board slides likewise: a deck is made from the pack's snapshot and version alone (in a
# forked child, which cannot hand anything back but files): each distinct deck is made once per
# test process, kept in a folder of the process's own, and copied for the next run of that pack.
@pytest.fixture(autouse=True, scope="session")
def _each_deck_made_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if os.environ.get("GOLDTHREAD_TEST_EVERY_LAYOUT"):
        yield
        return
    real, writer = services._write_deck, deck.write_pptx
    kept = tmp_path_factory.mktemp("decks")

    @functools.wraps(real)
    def write_deck(pack: Pack, target: Path, *, version: int) -> int:
        if deck.write_pptx is not writer:  # a test's stand-in (a fault injected) runs itself
            return real(pack, target, version=version)
        figures = json.dumps(pack.data, sort_keys=True, default=str)
        key = hashlib.sha256(f"{version}\0{figures}".encode()).hexdigest()
        made = sorted(kept.glob(f"{key}-*.pptx"))
        if made:
            shutil.copyfile(made[0], target)
            return int(made[0].stem.rsplit("-", 1)[1])
        slides = real(pack, target, version=version)
        copy = kept / f".{key}.partial"
        shutil.copyfile(target, copy)
        copy.replace(kept / f"{key}-{slides}.pptx")
        return slides

    services._write_deck = write_deck  # type: ignore[assignment]
    yield
    services._write_deck = real  # type: ignore[assignment]


@contextmanager
def module_world(django_db_blocker: Any) -> Iterator[None]:
    """Data shared by a module's tests, built once: inside a transaction that is rolled back
    when the module ends. Each test's own transaction is a savepoint within it, so a test's
    changes are undone before the next test, as usual. Use from a module-scoped fixture that
    asks for `django_db_setup` and `django_db_blocker` (see tests/security/conftest.py)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def make_waste() -> Service:
    found = Service.objects.filter(code="waste").first()
    return found or ServiceFactory(code="waste", name="Waste and Recycling")


def make_housing() -> Service:
    found = Service.objects.filter(code="housing").first()
    return found or ServiceFactory(code="housing", name="Housing")


def make_priority() -> Priority:
    found = Priority.objects.filter(number=4).first()
    return found or Priority.objects.create(number=4, name="A cleaner greener city")


@pytest.fixture
def waste() -> Service:
    return make_waste()


@pytest.fixture
def housing() -> Service:
    return make_housing()


@pytest.fixture
def priority() -> Priority:
    return make_priority()


def _user(username: str, **fields: Any) -> User:
    found: User | None = User.objects.filter(username=username).first()
    return found or UserFactory(username=username, **fields)


def _member(username: str, service: Service, role: str) -> User:
    user = _user(username)
    ServiceRole.objects.get_or_create(user=user, service=service, role=role)
    return user


@pytest.fixture
def alice(waste: Service) -> User:
    return _member("alice", waste, ServiceRole.Role.UPDATER)


@pytest.fixture
def bob(housing: Service) -> User:
    return _member("bob", housing, ServiceRole.Role.UPDATER)


@pytest.fixture
def hannah(waste: Service) -> User:
    user = _user("hannah")
    waste.head = user
    waste.save()
    return user


@pytest.fixture
def dora(waste: Service) -> User:
    return _member("dora", waste, ServiceRole.Role.DQ_CHAMPION)


@pytest.fixture
def pat() -> User:
    return _user("pat", corporate_role=CorporateRole.PERFORMANCE)


@pytest.fixture
def carol() -> User:
    return _user("carol", corporate_role=CorporateRole.CMT)


@pytest.fixture
def sam() -> User:
    return _user("sam", corporate_role=CorporateRole.SCRUTINY)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Browser tests: Debian's chromium, never a downloaded browser.
#
# Chromium 156 loads two pages of its own into every new browser context: the address bar's
# suggestion popups (chrome://omnibox-popup.top-chrome/), which a headless browser never shows.
# They cost about 0.7 s of CPU per context (the suite opens one or more per browser test), so
# they are turned off. Chromium keeps only the last --disable-features it is given, and
# Playwright passes its own (playwright-core's chromiumSwitches.ts), so the list below repeats
# Playwright's: tests/browser/test_chromium.py checks that it still holds every one of them.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
UNSHOWN_PAGES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
DISABLED_FEATURES = PLAYWRIGHT_DISABLED_FEATURES + UNSHOWN_PAGES


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("GOLDTHREAD_REQUIRE_BROWSER"):
            pytest.fail(message)  # CI must never pass by skipping them
        pytest.skip(message)
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-features=" + ",".join(DISABLED_FEATURES),
        ],
    }


# A test on a transactional database (browser tests, live servers, real workers) ends with every
# table emptied, as by Django's flush; the rows the migrations left (content types, permissions,
# the report schedules seeded by a migration) are then put back as they were, ids included, so
# that the tests after it (on the same worker, with pytest-xdist) find the database as migrated.
# That replaces the flush's post_migrate signal, which rebuilt content types and permissions under
# new ids (most of the teardown on SQLite), after which the schedules had to be reseeded.
_MIGRATED_ROWS: list[tuple[type[Model], list[dict[str, Any]]]] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _MIGRATED_ROWS[:] = _rows_of_every_table()
    flush = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _flush_to_the_migrated_rows  # type: ignore[attr-defined]
    yield
    TransactionTestCase._fixture_teardown = flush  # type: ignore[attr-defined]


def _rows_of_every_table() -> list[tuple[type[Model], list[dict[str, Any]]]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [field.attname for field in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values(*names))
        if rows:
            found.append((model, rows))
    return found


def _flush_to_the_migrated_rows(self: TransactionTestCase) -> None:
    # DELETE rather than the flush command's TRUNCATE: the tables are small, and PostgreSQL's
    # TRUNCATE of every table costs seconds. Foreign keys are checked at the commit.
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            for model, rows in _MIGRATED_ROWS:
                if model._meta.db_table not in tables:
                    continue  # a migration test went back before it
                model._base_manager.using(alias).bulk_create(model(**row) for row in rows)
    ContentType.objects.clear_cache()
