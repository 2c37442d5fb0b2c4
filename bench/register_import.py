"""Benchmark of the register import (issue 15): 200,000 rows, dry run and apply; see bench/README.md.

Generates a register sheet of ``--rows`` systems of ``--vendors`` vendors, every vendor fact filled (entity
and parent country, parent company, processing and support countries, "unknown" in some, mechanism, DPF
status, role, own-purpose use) and a DPA on every other row, read once with ``read_table``.
Then, for each database
(a fresh SQLite file, and PostgreSQL when ``--pg`` or ``TEST_DATABASE_URL`` names a server), ``--repeat``
paired runs on a freshly migrated database each: the dry run (``preview``: everything built through the
services' rules, then rolled back) and the apply right after it, in the same process. Prints the median and
range (min-max) of each, and the rows per second.

The baseline is the import as it was before issue 15: one flush per row (``--baseline`` runs it on the same
sheet, which takes long; the figures in bench/README.md were measured with it).

Run: ``.venv/bin/python bench/register_import.py [--rows 200000] [--vendors 5000] [--repeat 3] [--pg URL]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from riskreg import create_app  # noqa: E402
from riskreg.audit import set_actor  # noqa: E402
from riskreg.cli import upgrade_database  # noqa: E402
from riskreg.extensions import db  # noqa: E402
from riskreg.imports.files import Limits, Table, read_table  # noqa: E402

HEADERS = (
    "System;Leverandør;Leverandørens land;Moderselskab;Moderselskabets land;Behandlingslande;Supportlande;"
    "Overførselsgrundlag;DPF-status;Rolle;Egne formål;Databehandleraftale underskrevet;DBA skabelon;"
    "Afdelinger;Registrerede;Personoplysninger;Antal"
)
COUNTRIES = ["Irland", "USA", "Danmark", "Tyskland", "Sverige"]
PLACES = ["Irland, USA", "Danmark", "Tyskland, Holland", "unknown", "Sverige"]


def sheet(rows: int, vendors: int) -> bytes:
    rnd = random.Random(15)
    facts = []
    for v in range(vendors):
        facts.append(
            ";".join(
                [
                    f"Leverandør {v:05d} A/S",
                    rnd.choice(COUNTRIES),
                    rnd.choice(["", "Koncern Holding Inc."]),
                    rnd.choice(["", "USA"]),
                    rnd.choice(PLACES),
                    rnd.choice(["", "Indien", "ikke oplyst"]),
                    rnd.choice(["SCC", "DPF", "Adequacy", ""]),
                    rnd.choice(["aktiv", "ukendt", "", "ikke på listen"]),
                    rnd.choice(["Databehandler", "Selvstændig dataansvarlig"]),
                    rnd.choice(["nej", "ja", ""]),
                ]
            )
        )
    lines = [HEADERS]
    for i in range(rows):
        vendor = facts[i % vendors]
        dpa = "15-03-2024;KL/KOMBIT fælles databehandleraftale" if i % 2 else ";"
        department = rnd.choice(["Skole", "Jobcenter", "Løn"])
        lines.append(f"System {i:06d};{vendor};{dpa};{department};Borgere;CPR-numre;5000")
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def one_run(url: str, table: Table) -> tuple[float, float, dict[str, int]]:
    """A migrated fresh database: the dry run's and the apply's seconds, and what the apply created."""
    from riskreg.imports.register import parse as register
    from riskreg.imports.register import services

    app = make_app(url)
    with app.app_context():
        upgrade_database(url)
    with app.test_request_context():
        session = db.session()
        set_actor(session, None, "bench/register_import.py")
        mapping = register.suggest_mapping(table.headers)
        start = time.perf_counter()
        batch = services.preview(session, table, mapping, "register.csv", "da")
        dry = time.perf_counter() - start
        problems = batch.summary.get("problems")
        assert not problems, services.batch_problems(batch)[:3]
        start = time.perf_counter()
        counts = services.apply(session, batch, None, "da")
        applied = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    return dry, applied, counts


def fresh_pg(admin_url: str) -> tuple[str, sa.Engine, str]:
    admin = sa.create_engine(
        sa.make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), admin, name


def drop_pg(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def show(label: str, times: list[float], rows: int) -> str:
    median = statistics.median(times)
    return f"{label} {median:7.1f} s ({min(times):.1f}-{max(times):.1f}), {rows / median:,.0f} rows/s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--vendors", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    data = sheet(args.rows, args.vendors)
    start = time.perf_counter()
    table = read_table(data, Limits(max_bytes=len(data) + 1, max_rows=args.rows))
    print(
        f"{args.rows:,} rows, {args.vendors:,} vendors, {len(data) / 1e6:.1f} MB CSV, "
        f"read in {time.perf_counter() - start:.1f} s; {args.repeat} paired runs (dry run, then apply) "
        "on a fresh database each"
    )
    targets = [] if args.skip_sqlite else ["SQLite"]
    if args.pg:
        targets.append("PostgreSQL")
    for target in targets:
        dry_times: list[float] = []
        apply_times: list[float] = []
        for _ in range(args.repeat):
            if target == "SQLite":
                with tempfile.TemporaryDirectory() as folder:
                    dry, applied, counts = one_run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", table)
            else:
                url, admin, name = fresh_pg(args.pg)
                try:
                    dry, applied, counts = one_run(url, table)
                finally:
                    drop_pg(admin, name)
            dry_times.append(dry)
            apply_times.append(applied)
        dry_line, apply_line = show("dry run", dry_times, args.rows), show("apply", apply_times, args.rows)
        print(f"  {target:10} {dry_line}; {apply_line}")
        print(f"  {'':10} created: {counts}")


if __name__ == "__main__":
    main()
