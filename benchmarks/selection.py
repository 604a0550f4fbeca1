"""Which cases a run makes: BENCH_CASES (or --cases) as case names, aliases or patterns.

Pure: no Django, so that `--list` and the tests need no database.

    BENCH_CASES=dashboard                  # both sizes' dashboard and service scorecard only
    BENCH_CASES=public_throughput_10x      # one case by its name
    BENCH_CASES='large_council_*,import'   # a pattern and an alias
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

# Every case, in the order a full run makes them (benchmarks/cases.py maps them to functions).
CASES = (
    "rules_engine",
    "home_page",
    "service_month_save_20_values",
    "import_100k_values",
    "scrutiny_pack_demo",
    "large_council_1x",
    "large_council_10x",
    "public_throughput_1x",
    "public_throughput_10x",
    "public_first_visit",
    "scrutiny_pack_large",
    "benchmarking_national",
    "complaints_import_100k",
)
# The cases that need the demo council loaded into the demo scratch database.
DEMO_CASES = frozenset(
    {"home_page", "service_month_save_20_values", "import_100k_values", "scrutiny_pack_demo"}
)
LARGE = ("large_council_1x", "large_council_10x")


@dataclass(frozen=True)
class Alias:
    cases: tuple[str, ...]
    pages: tuple[str, ...] = ()  # the large council's pages (benchmarks.web.PAGES); () = all
    about: str = ""


ALIASES = {
    "dashboard": Alias(
        LARGE, ("dashboard", "service_scorecard"), "dashboard and service scorecard, 1x and 10x"
    ),
    "public": Alias(
        (*LARGE, "public_throughput_1x", "public_throughput_10x", "public_first_visit"),
        ("public", "public_measure", "public_data_csv"),
        "the public page: server times, throughput, first visit in Chromium",
    ),
    "pages": Alias(LARGE, (), "every page of the large council at 1x and 10x"),
    "import": Alias(
        ("import_100k_values", "benchmarking_national", "complaints_import_100k"),
        (),
        "the three large imports",
    ),
    "pack": Alias(("scrutiny_pack_demo", "scrutiny_pack_large"), (), "the PDF packs"),
    "demo": Alias(
        ("rules_engine", "home_page", "service_month_save_20_values"),
        (),
        "the quick cases on the demo council",
    ),
}


@dataclass(frozen=True)
class Choice:
    cases: tuple[str, ...]
    pages: tuple[str, ...]  # () = every page
    full: bool  # every case, every page: the run that becomes latest-<database>.json


def choose(spec: str) -> Choice:
    """The cases (in run order) and pages that a BENCH_CASES value names."""
    words = [w.strip() for w in spec.split(",") if w.strip()]
    if not words or words == ["all"]:
        return Choice(CASES, (), True)
    chosen: set[str] = set()
    pages: set[str] = set()
    every_page = False
    for word in words:
        if word in ALIASES:
            alias = ALIASES[word]
            chosen.update(alias.cases)
            if alias.pages:
                pages.update(alias.pages)
            elif set(alias.cases) & set(LARGE):
                every_page = True
            continue
        matched = [c for c in CASES if fnmatchcase(c, word)]
        if not matched:
            raise SystemExit(
                f"BENCH_CASES: {word!r} names no case. Cases: {', '.join(CASES)}; "
                f"aliases: {', '.join(ALIASES)}."
            )
        chosen.update(matched)
        if set(matched) & set(LARGE):
            every_page = True
    ordered = tuple(c for c in CASES if c in chosen)
    page_list = () if every_page else tuple(sorted(pages))
    return Choice(ordered, page_list, ordered == CASES and not page_list)


def describe() -> str:
    lines = ["Cases (in run order):", *(f"  {c}" for c in CASES), "Aliases:"]
    for name, alias in ALIASES.items():
        pages = f" [pages: {', '.join(alias.pages)}]" if alias.pages else ""
        lines.append(f"  {name}: {alias.about} ({', '.join(alias.cases)}){pages}")
    return "\n".join(lines)
