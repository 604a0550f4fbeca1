"""The bench harness's own rules (benchmarks/): which cases a run makes, which database it uses,
how targets are judged, and how two commits' figures are compared. No benchmark runs here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import compare, databases, selection, table, targets, web


def test_no_cases_means_every_case_and_a_full_run() -> None:
    choice = selection.choose("")
    assert choice.cases == selection.CASES
    assert choice.full and choice.pages == ()
    assert selection.choose("all") == choice


def test_an_alias_chooses_its_cases_in_run_order_and_only_its_pages() -> None:
    choice = selection.choose("dashboard")
    assert choice.cases == ("large_council_1x", "large_council_10x")
    assert choice.pages == ("dashboard", "service_scorecard")
    assert not choice.full


def test_patterns_and_aliases_combine_and_a_case_named_outright_measures_every_page() -> None:
    choice = selection.choose("public_throughput_*, large_council_1x, dashboard")
    assert choice.cases == (
        "large_council_1x",
        "large_council_10x",
        "public_throughput_1x",
        "public_throughput_10x",
    )
    assert choice.pages == ()


def test_every_case_with_some_pages_only_is_not_a_full_run() -> None:
    every = ",".join(selection.CASES)
    assert selection.choose(every).full
    others = ",".join(c for c in selection.CASES if c not in selection.LARGE)
    narrowed = selection.choose(others + ",dashboard")
    assert narrowed.cases == selection.CASES
    assert not narrowed.full


def test_an_unknown_case_is_refused_with_the_names_to_choose_from() -> None:
    with pytest.raises(SystemExit, match="'dashbord' names no case. Cases: rules_engine"):
        selection.choose("dashbord")


def test_every_case_has_a_function_and_every_alias_names_real_cases() -> None:
    from benchmarks import cases

    assert list(cases.ALL) == list(selection.CASES)
    for alias in selection.ALIASES.values():
        assert set(alias.cases) <= set(selection.CASES)
        assert set(alias.pages) <= set(web.PAGES)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Any:
    def use(url: str, tag: str = "") -> None:
        monkeypatch.setenv(databases.SERVER_ENV, url)
        monkeypatch.setenv("BENCH_TAG", tag)

    return use


def test_sqlite_scratch_files_are_in_the_temporary_folder_and_tagged_per_commit(
    server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    server("")
    assert databases.vendor() == "sqlite"
    assert databases.url("large_10x") == f"sqlite:///{tmp_path}/goldthread-bench-large-10x.sqlite3"
    server("", tag="ref")
    assert databases.url("demo") == f"sqlite:///{tmp_path}/goldthread-bench-ref.sqlite3"


def test_postgresql_scratch_databases_sit_beside_the_named_one_and_never_are_it(
    server: Any,
) -> None:
    server("postgres://postgres@127.0.0.1:5432/goldthread")
    assert databases.vendor() == "postgresql"
    assert databases.url("demo") == "postgres://postgres@127.0.0.1:5432/goldthread_bench_demo"
    assert databases.database_name("large_1x") == "goldthread_bench_large_1x"
    assert not databases.is_scratch("postgres://postgres@127.0.0.1:5432/goldthread")
    server("postgres://postgres@127.0.0.1:5432/gt_bench", tag="ref")
    assert databases.database_name("national") == "gt_bench_ref_national"


def test_a_database_other_than_sqlite_or_postgresql_is_refused(server: Any) -> None:
    server("mysql://root@127.0.0.1/goldthread")
    with pytest.raises(SystemExit, match="SQLite or PostgreSQL, not 'mysql'"):
        databases.vendor()


def _results(**overrides: Any) -> dict[str, Any]:
    page = {
        "p95_ms": 40.0,
        "bytes": 120_000,
        "js_bytes": 1_400_000,
        "queries": 9,
        "uncached": {"p95_ms": 100.0, "queries": 11},
        "first_render": {"ms": 900.0, "queries": 12},
    }
    results: dict[str, Any] = {
        f"large_council_{m}x": {
            "dashboard": json.loads(json.dumps(page)),
            "service_scorecard": json.loads(json.dumps(page)),
            "public": json.loads(json.dumps(page)),
            "public_measure": json.loads(json.dumps(page)),
        }
        for m in (1, 10)
    }
    results.update(
        import_100k_values={"seconds": 9.5, "peak_rss_mb": 250.0},
        benchmarking_national={"import_s": 14.0},
        scrutiny_pack_large={"seconds": 7.9, "pages": 62},
        public_throughput_1x={"requests_per_s": 900.0, "latency_p99_ms": 90.0},
        public_throughput_10x={"requests_per_s": 850.0, "latency_p99_ms": 95.0},
        public_first_visit={"interactive_ms": 800.0},
    )
    for path, value in overrides.items():
        node = results
        *keys, last = path.split("__")
        for key in keys:
            node = node[key]
        node[last] = value
    return results


def test_every_target_is_met_by_figures_within_every_limit() -> None:
    checked = targets.evaluate(_results())
    assert {name: row["met"] for name, row in checked.items() if not row["met"]} == {}


def test_one_figure_over_its_limit_misses_the_target() -> None:
    checked = targets.evaluate(_results(large_council_10x__dashboard__p95_ms=50.5))
    assert checked["dashboard p95 at 10x"]["met"] is False
    assert checked["service scorecard p95 at 10x"]["met"] is True


def test_a_floor_is_missed_below_it() -> None:
    checked = targets.evaluate(_results(public_throughput_10x__requests_per_s=799.0))
    assert checked["/public/ requests/s, 50 connections (1x, 10x)"]["met"] is False


def test_a_query_count_that_grows_with_history_misses_even_under_the_ceiling() -> None:
    results = _results(large_council_10x__dashboard__uncached__queries=12)
    checked = targets.evaluate(results)
    assert checked["dashboard.uncached.queries identical at 1x and 10x"]["met"] is False
    assert checked["dashboard and scorecard queries (uncached; 1x, 10x)"]["met"] is True


def test_a_target_whose_case_did_not_run_is_not_met_but_unknown() -> None:
    results = _results()
    del results["public_first_visit"]
    del results["public_throughput_10x"]
    checked = targets.evaluate(results)
    assert checked["/public/ first visit interactive in Chromium"]["met"] is None
    assert checked["/public/ requests/s, 50 connections (1x, 10x)"]["met"] is None
    assert "n/a" in targets.report(checked)


def test_a_partly_measured_target_is_missed_when_a_measured_figure_misses() -> None:
    results = _results(public_throughput_1x__requests_per_s=300.0)
    del results["public_throughput_10x"]
    checked = targets.evaluate(results)
    assert checked["/public/ requests/s, 50 connections (1x, 10x)"]["met"] is False


def test_comparison_gives_ratios_and_judges_by_direction() -> None:
    ref = {
        "machine": {"cpus": 2},
        "case": {"p95_ms": 100.0, "requests_per_s": 1000.0, "runs": 50, "queries": 10},
    }
    head = {
        "machine": {"cpus": 2},
        "case": {"p95_ms": 112.0, "requests_per_s": 1200.0, "runs": 50, "queries": 10},
    }
    rows = {row["figure"]: row for row in compare.compare(ref, head)}
    assert rows["case.p95_ms"]["ratio"] == pytest.approx(1.12)
    assert rows["case.p95_ms"]["verdict"] == "worse"
    assert rows["case.requests_per_s"]["verdict"] == "better"
    assert rows["case.queries"]["verdict"] == "same"
    assert "case.runs" not in rows  # a setting that did not change
    assert "machine.cpus" not in rows


def test_a_case_the_other_commit_cannot_run_shows_not_available() -> None:
    ref = {"import_100k_values": {"error": "CommandError: Unknown command: 'import_values'"}}
    head = {"import_100k_values": {"seconds": 9.0}}
    rows = compare.compare(ref, head)
    shown = compare.table(rows, "main", "this")
    seconds = next(r for r in rows if r["figure"] == "import_100k_values.seconds")
    assert seconds["ref"] is None and seconds["ratio"] is None
    assert "import_100k_values (error)" in shown
    line = next(line for line in shown.splitlines() if line.startswith("import_100k_values.sec"))
    assert line.split()[1:4] == ["n/a", "9", "n/a"]


def test_the_best_of_several_rounds_is_the_least_time_and_the_most_throughput() -> None:
    rounds = [
        {"case": {"p50_ms": 12.0, "requests_per_s": 700.0, "runs": 50}},
        {"case": {"p50_ms": 10.0, "requests_per_s": 650.0, "runs": 50}},
    ]
    best = compare.best_of(rounds)
    assert best["case"] == {"p50_ms": 10.0, "requests_per_s": 700.0, "runs": 50}
    assert best["rounds"] == 2


def test_wrk_output_is_read_into_figures() -> None:
    output = """Running 10s test @ http://127.0.0.1:8000/public/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.23ms   26.56ms 998.18ms   97.62%
  Latency Distribution
     50%   36.17ms
     75%   39.02ms
     90%   46.51ms
     99%   88.42ms
  12732 requests in 10.01s, 1.52GB read
Requests/sec:   1271.50
"""
    figures = web.parse_wrk(output)
    assert figures["requests_per_s"] == 1271.5
    assert figures["latency_p99_ms"] == 88.42
    assert figures["latency_max_ms"] == 998.18
    assert figures["requests"] == 12732 and figures["duration_s"] == 10.01


def test_the_readme_table_shows_both_databases_and_is_written_between_its_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table, "RESULTS", tmp_path)
    results = _results()
    results["machine"] = {"database": "sqlite", "server_version": "3.40.1", "cpus": 2}
    (tmp_path / "latest-sqlite.json").write_text(json.dumps(results))
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{table.START}\nold\n{table.END}\n\nAfter.\n")

    table.update_readme(readme)

    text = readme.read_text()
    assert "old" not in text and text.endswith(f"{table.END}\n\nAfter.\n")
    rows = {
        line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]]
        for line in text.splitlines()
        if line.startswith("| ") and "---" not in line
    }
    assert rows["`import_values`, 100,000 values"] == [
        "9.5 s (250 MB peak)",
        "–",
        "≤ 10 s, ≤ 300 MB",
    ]
    dashboard = rows["dashboard p50 / p95, 10× (queries: usual / uncached)"]
    assert dashboard[:2] == ["– / 40.0 ms (9 / 11 q)", "–"]  # PostgreSQL: not run yet
    assert "- postgresql: not run yet" in text


def test_the_other_commit_is_exported_with_this_commits_harness_over_it(tmp_path: Path) -> None:
    tree = tmp_path / "ref"
    compare.export("HEAD", tree)
    assert (tree / "manage.py").is_file() and not (tree / ".git").exists()
    for name in compare.HARNESS:
        here, there = compare.ROOT / name, tree / name
        if here.is_file():
            assert there.read_bytes() == here.read_bytes(), name
    ours = compare.ROOT / "benchmarks" / "compare.py"
    assert (tree / "benchmarks" / "compare.py").read_bytes() == ours.read_bytes()
