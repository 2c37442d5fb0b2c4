"""Benchmark of the transfer engine (issue 4, item 8); see bench/README.md.

Builds a fresh database in a temporary directory (migrated as ``riskreg db upgrade`` does, then the demo
register and ``--size`` generated systems as ``riskreg demo --size`` does), and measures on it:

(a) a full re-classification (``system_verdicts.refresh`` and its commit) after a new official list version
    changes one country's status, and the commit of that list change itself, which re-classifies in the same
    transaction;
(b) a bare SQL pass over the same rows: the same system x recipient x location join, without classification,
    inserted into a scratch temporary table (and, for reference, the same join just fetched);

and prints both, the ratio and PASS/FAIL against the targets (under 1 s, at most 3x the bare pass). Then it
counts the SQL queries of the register page (``GET /systems/`` as a reader) for 50 and for 5,000 systems.

Run: ``.venv/bin/python bench/classify.py [--size 10000] [--repeat 3] [--url DATABASE_URL]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from riskreg import create_app  # noqa: E402
from riskreg.audit import set_actor  # noqa: E402
from riskreg.cli import upgrade_database  # noqa: E402
from riskreg.enums import CountryListKind, CountryStatus, Role  # noqa: E402
from riskreg.extensions import db  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_RATIO = 3.0
PASSWORD = "benchmark password 123"
#: The status change of the benchmark's list version: India gains adequacy (it has none in the shipped list).
CHANGED_COUNTRY, NEW_STATUS = "IN", CountryStatus.ADEQUACY


def make_app(url: str) -> Flask:
    # WTF_CSRF_ENABLED off: the test client logs in without reading the token from the form first.
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def build(app: Flask, size: int, demo: bool) -> int:
    """Migrate, load the demo cases (optional) and generate ``size`` systems; the number of systems."""
    from riskreg.demo.cases import load_cases
    from riskreg.demo.generate import generate_register
    from riskreg.systems.models import System

    with app.app_context():
        upgrade_database(app.config["SQLALCHEMY_DATABASE_URI"])
        session = db.session()
        set_actor(session, None, "bench/classify.py")
        if demo:
            load_cases(session)
        if size:
            generate_register(session, size)
        return session.scalar(select(func.count()).select_from(System)) or 0


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    """Median and all run times of ``fn`` in seconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs


def change_one_status(session: Session) -> float:
    """Add an official list version effective today with one status changed; seconds for its commit."""
    from riskreg.countries.models import CountryList
    from riskreg.countries.services import create_list_version, list_version_in_force
    from riskreg.transfers import sources

    official = session.scalars(select(CountryList).where(CountryList.kind == CountryListKind.OFFICIAL)).one()
    base = list_version_in_force(session, official.id, sources.today())
    assert base is not None
    entries = {e.country_code: (e.status, e.decision_ref, e.decision_on, e.scope_note) for e in base.entries}
    _s, ref, on, note = entries.get(CHANGED_COUNTRY, (NEW_STATUS, "", None, ""))
    entries[CHANGED_COUNTRY] = (NEW_STATUS, ref, on, note)
    effective = max(sources.today(), base.effective_on + dt.timedelta(days=1))
    started = time.perf_counter()
    create_list_version(session, official, effective, "Benchmark: one status changed", entries)
    return time.perf_counter() - started


def bench_refresh(app: Flask, repeat: int) -> dict[str, Any]:
    from riskreg.transfers import classified, sources, system_verdicts

    with app.app_context():
        session = db.session()
        set_actor(session, None, "bench/classify.py")
        list_change = change_one_status(session)

        def refresh() -> None:
            system_verdicts.refresh(session)
            session.commit()

        refresh_median, refresh_runs = timed(refresh, repeat)
        source = sources.official_source(session, sources.today())
        transfers = (
            session.scalar(select(func.count()).select_from(classified.transfer_rows(source).subquery())) or 0
        )

        # The transfers, unclassified: one row per system x recipient x location, from the engine's own joins.
        serving = classified.system_recipients(None)  # the very rows the engine reads
        located = classified.recipient_locations()
        bare = (
            select(serving.c.system_id, *located.c)
            .select_from(serving)
            .join(located, located.c.recipient_key == serving.c.recipient_key)
        )
        dialect = session.get_bind().dialect
        sql = str(bare.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

        classified_sql = str(
            classified.transfer_rows(source).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        )
        inserted: list[int] = []

        def into_scratch(select_sql: str) -> Callable[[], None]:
            def run() -> None:
                session.execute(text(f"CREATE TEMPORARY TABLE bench_scratch AS {select_sql}"))
                inserted.append(session.scalar(text("SELECT count(*) FROM bench_scratch")) or 0)
                session.execute(text("DROP TABLE bench_scratch"))
                session.commit()

            return run

        bare_insert = into_scratch(sql)

        def bare_fetch() -> None:
            session.execute(bare).all()
            session.commit()

        bare_rows = len(session.execute(bare).all())
        session.commit()
        insert_median, insert_runs = timed(bare_insert, repeat)
        fetch_median, fetch_runs = timed(bare_fetch, repeat)
        classified_median, _runs = timed(into_scratch(classified_sql), repeat)
        assert set(inserted) == {bare_rows}, (inserted, bare_rows)
        return {
            "classified_insert": classified_median,
            "list_change": list_change,
            "refresh": refresh_median,
            "refresh_runs": refresh_runs,
            "transfers": transfers,
            "bare_rows": bare_rows,
            "bare_insert": insert_median,
            "bare_insert_runs": insert_runs,
            "bare_fetch": fetch_median,
            "bare_fetch_runs": fetch_runs,
        }


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The SQL statements executed inside the block."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def register_page_queries(app: Flask) -> tuple[int, int]:
    """(queries, status code) of ``GET /systems/`` for a logged-in reader (the second request is counted)."""
    from riskreg.auth.services import create_user

    email = f"reader-{time.time_ns()}@example.dk"
    with app.app_context():
        create_user(db.session(), email, Role.READER, PASSWORD)
    client = app.test_client()
    login = client.post("/login", data={"email": email, "password": PASSWORD})
    if login.status_code != 302:
        raise RuntimeError(f"login failed with status {login.status_code}")
    client.get("/systems/")  # warm up: first-request work (templates, catalogues) is not the page's cost
    with app.app_context(), counting(app) as statements:
        response = client.get("/systems/")
    return len(statements), response.status_code


def report(*lines: str) -> None:
    print("\n".join(lines))


def status(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of the transfer engine (see bench/README.md).")
    parser.add_argument("--size", type=int, default=10_000, help="generated systems (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is shown")
    parser.add_argument(
        "--url",
        default="",
        help="an EMPTY database to use instead of SQLite in a temporary directory (e.g. PostgreSQL); "
        "the query-count databases are always SQLite",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="riskreg-bench-") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = make_app(url)
        print(f"Database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
        started = time.perf_counter()
        systems = build(app, args.size, demo=True)
        print(
            f"Built: demo register + {args.size} generated systems = {systems} systems "
            f"in {time.perf_counter() - started:.1f} s"
        )

        r = bench_refresh(app, args.repeat)
        ratio = r["refresh"] / r["bare_insert"] if r["bare_insert"] else float("inf")
        runs = {key: ", ".join(f"{x:.3f}" for x in r[f"{key}_runs"]) for key in ("refresh", "bare_insert")}
        report(
            "",
            f"Transfers (system x recipient x location): {r['transfers']}; bare join rows: {r['bare_rows']}",
            f"List change: new official version ({CHANGED_COUNTRY} -> {NEW_STATUS.value}), committed with",
            f"  the re-classification in the same transaction: {r['list_change']:.3f} s",
            f"(a) full re-classification, system_verdicts.refresh + commit: {r['refresh']:.3f} s"
            f" (median of {args.repeat}: {runs['refresh']})",
            f"(b) bare SQL pass, the same join unclassified, inserted into a scratch temp table: "
            f"{r['bare_insert']:.3f} s (median of {args.repeat}: {runs['bare_insert']})",
            f"    for reference, the same join just fetched into Python: {r['bare_fetch']:.3f} s (median)",
            f"Ratio (a)/(b): {ratio:.2f}x",
            "For reference: every transfer classified (transfer_rows, the rule CASE over the join,",
            f"  inserted into a scratch temp table): {r['classified_insert']:.3f} s = "
            f"{r['classified_insert'] / r['bare_insert']:.2f}x (b).",
            "  (a) classifies each recipient location once, aggregates per recipient, then per system,",
            "  and stores only the verdicts (system_assessment).",
            f"Target: (a) under {TARGET_SECONDS:.0f} s: {status(r['refresh'] < TARGET_SECONDS)}",
            f"Target: (a) at most {TARGET_RATIO:.0f}x (b): {status(ratio <= TARGET_RATIO)}",
        )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

        print()
        counts_url = f"sqlite:///{Path(tmp) / 'queries.sqlite'}"
        small = make_app(counts_url)
        counts = {}
        n = build(small, 50, demo=False)
        counts[n] = register_page_queries(small)
        with small.app_context():
            from riskreg.demo.generate import generate_register

            generate_register(db.session(), 5_000 - n)
            db.session.remove()
        n_large = 5_000
        counts[n_large] = register_page_queries(small)
        for n_systems, (queries, code) in counts.items():
            print(
                f"Register page GET /systems/ as reader, {n_systems:>5} systems: {queries} SQL queries "
                f"(HTTP {code})"
            )
        (q_small, _c1), (q_large, _c2) = counts.values()
        print(f"Target: the number of queries does not grow: {status(q_large <= q_small)}")
        with small.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
