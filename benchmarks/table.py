"""The README's table of both databases' latest figures, made from bench-results/latest-*.json.

A full `make bench` rewrites the table between the README's two markers; `python -m
benchmarks.table` prints it (and `--write` rewrites it) without running anything.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from benchmarks.targets import lookup

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
README = ROOT / "README.md"
START = "<!-- bench-table:start (made by benchmarks/table.py from bench-results/latest-*.json) -->"
END = "<!-- bench-table:end -->"
DATABASES = ("sqlite", "postgresql")


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _pair(results: dict[str, Any], first: str, second: str, unit: str = " ms") -> str:
    a, b = lookup(results, first), lookup(results, second)
    if a is None and b is None:
        return "–"
    return f"{_ms(a)} / {_ms(b)}{unit}"


def _with_queries(results: dict[str, Any], text: str, page: str) -> str:
    """The figures, then the queries of a usual request and of an uncached one."""
    usual, uncached = (
        lookup(results, f"{page}.queries"),
        lookup(results, f"{page}.uncached.queries"),
    )
    if usual is None or text == "–":
        return text
    return (
        f"{text} ({usual:g} / {uncached:g} q)" if uncached is not None else f"{text} ({usual:g} q)"
    )


def _kb(value: Any) -> str:
    return "–" if value is None else f"{value / 1000:,.0f} KB"


def _seconds(results: dict[str, Any], path: str, extra: str = "") -> str:
    value = lookup(results, path)
    if value is None:
        return "–"
    more = lookup(results, extra) if extra else None
    return f"{value:.1f} s" + (f" ({more:.0f} MB peak)" if more is not None else "")


ROWS: list[tuple[str, str, Any]] = [
    (
        "dashboard p50 / p95, 1× (queries: usual / uncached)",
        "≤ 50 ms at 10×; ≤ 12 q",
        lambda r: _with_queries(
            r,
            _pair(r, "large_council_1x.dashboard.p50_ms", "large_council_1x.dashboard.p95_ms"),
            "large_council_1x.dashboard",
        ),
    ),
    (
        "dashboard p50 / p95, 10× (queries: usual / uncached)",
        "≤ 50 ms; same q as 1×",
        lambda r: _with_queries(
            r,
            _pair(r, "large_council_10x.dashboard.p50_ms", "large_council_10x.dashboard.p95_ms"),
            "large_council_10x.dashboard",
        ),
    ),
    (
        "dashboard first render / uncached p95, 10×",
        "≤ 120 ms",
        lambda r: _pair(
            r,
            "large_council_10x.dashboard.first_render.ms",
            "large_council_10x.dashboard.uncached.p95_ms",
        ),
    ),
    (
        "service scorecard p50 / p95, 10× (queries: usual / uncached)",
        "≤ 50 ms; ≤ 12 q",
        lambda r: _with_queries(
            r,
            _pair(
                r,
                "large_council_10x.service_scorecard.p50_ms",
                "large_council_10x.service_scorecard.p95_ms",
            ),
            "large_council_10x.service_scorecard",
        ),
    ),
    (
        "service scorecard first render / uncached p95, 10×",
        "≤ 120 ms",
        lambda r: _pair(
            r,
            "large_council_10x.service_scorecard.first_render.ms",
            "large_council_10x.service_scorecard.uncached.p95_ms",
        ),
    ),
    (
        "public page uncached p50 / p95, 10×",
        "–",
        lambda r: _pair(
            r,
            "large_council_10x.public.uncached.p50_ms",
            "large_council_10x.public.uncached.p95_ms",
        ),
    ),
    (
        "HTML: public page / dashboard, 10×",
        "≤ 150 KB",
        lambda r: (
            f"{_kb(lookup(r, 'large_council_10x.public.bytes'))} / "
            f"{_kb(lookup(r, 'large_council_10x.dashboard.bytes'))}"
        ),
    ),
    (
        "JavaScript loaded by the public page",
        "≤ 1.5 MB",
        lambda r: _kb(lookup(r, "large_council_10x.public.js_bytes")),
    ),
    (
        "/public/ first visit interactive (Chromium)",
        "≤ 1 s",
        lambda r: (
            _ms(lookup(r, "public_first_visit.interactive_ms"))
            + (" ms" if lookup(r, "public_first_visit.interactive_ms") is not None else "")
        ),
    ),
    (
        "/public/ wrk req/s, 10× (p99)",
        "≥ 800 (p99 ≤ 100 ms)",
        lambda r: (
            "–"
            if lookup(r, "public_throughput_10x.requests_per_s") is None
            else f"{lookup(r, 'public_throughput_10x.requests_per_s'):,.0f} "
            f"({_ms(lookup(r, 'public_throughput_10x.latency_p99_ms'))} ms)"
        ),
    ),
    (
        "`import_values`, 100,000 values",
        "≤ 10 s, ≤ 300 MB",
        lambda r: _seconds(r, "import_100k_values.seconds", "import_100k_values.peak_rss_mb"),
    ),
    (
        "benchmark table, 1.5 M values",
        "≤ 15 s",
        lambda r: _seconds(r, "benchmarking_national.import_s"),
    ),
    (
        "scrutiny pack of the large council (pages)",
        "≤ 8 s (60 pages)",
        lambda r: (
            "–"
            if lookup(r, "scrutiny_pack_large.seconds") is None
            else f"{lookup(r, 'scrutiny_pack_large.seconds'):.1f} s "
            f"({lookup(r, 'scrutiny_pack_large.pages')})"
        ),
    ),
    (
        "complaints import, 100,000 rows",
        "–",
        lambda r: _seconds(r, "complaints_import_100k.first_import.seconds"),
    ),
    (
        "rules engine (pure Python: the machine's speed)",
        "–",
        lambda r: (
            _ms(lookup(r, "rules_engine.p50_ms"))
            + (" ms" if lookup(r, "rules_engine.p50_ms") is not None else "")
        ),
    ),
]


def _load(database: str) -> dict[str, Any]:
    path = RESULTS / f"latest-{database}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _about(database: str, results: dict[str, Any]) -> str:
    if not results:
        return f"- {database}: not run yet"
    machine = results.get("machine", {})
    load = (
        machine.get("load_average_at_start", ["?"])[0],
        machine.get("load_average_at_end", ["?"])[0],
    )
    code = results.get("code", {})
    commit = (code.get("commit") or "?")[:12] + (
        " with uncommitted changes" if code.get("dirty") else ""
    )
    return (
        f"- {machine.get('database', database)} {machine.get('server_version', '')}: "
        f"{results.get('at', '?')[:10]}, commit {commit}, {machine.get('cpus', '?')} cores, "
        f"load average {load[0]} at the start and {load[1]} at the end"
    )


def make() -> str:
    runs = {database: _load(database) for database in DATABASES}
    lines = [
        "| figure | SQLite | PostgreSQL | target (issue 18) |",
        "|---|---|---|---|",
    ]
    for name, target, figure in ROWS:
        cells = [figure(runs[d]) if runs[d] else "–" for d in DATABASES]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} | {target} |")
    lines.append("")
    lines += [_about(d, runs[d]) for d in DATABASES]
    return "\n".join(lines)


def update_readme(readme: Path = README) -> None:
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{readme} has no bench table markers ({START} … {END}).")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{make()}\n{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="rewrite the README's table")
    if parser.parse_args().write:
        update_readme()
    print(make())


if __name__ == "__main__":
    main()
