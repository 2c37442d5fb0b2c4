"""Benchmark of the DPF list matching (issue 6, item 5; issue 15, item 6).

Generates a DPF list of ``--entries`` organisations and a register of ``--names`` vendor and sub-processor
names, synthetic but written as people write them: the same company with another legal form ("Inc." / "LLC" /
"A/S" / ", Inc."), "&" for "and", other case, a qualifier ("(affiliate)"), typing errors, subsidiaries
("... Ireland Ltd") and unrelated names, each with an entity country (the United States mostly, none
recorded, or a European country for a contracting entity). The register is stored in a fresh database,
SQLite in a temporary directory and, where ``--pg`` (default: ``TEST_DATABASE_URL``) names a reachable
PostgreSQL server, a scratch database on it (created and dropped). Then, per database, in paired runs
(alternating which goes first):

(a) riskreg's import as it runs: loading the candidates from the database
    (``riskreg.imports.dpf.services.candidates``) and ``riskreg.imports.dpf.parse.match`` (qualifier, legal
    form and country rules, the exact pass, the rapidfuzz near-match pass over the names not matched);
(b) the baseline: the same two steps as before issue 15, the code of commit ``BASELINE`` (name only: its
    query without the country, its ``match``), loaded from git;

and prints the median and range of each, the median of the paired ratios (a)/(b), and PASS/FAIL against the
target (a) under 2 s. It also times reading the list from a CSV file, and reports what the review queue holds
at the cutoff: how many near matches are unrelated names, at several cutoffs and scorers, from the generator's
own knowledge of which name is which.

Run: ``.venv/bin/python bench/dpf_match.py [--entries 5000] [--names 10000] [--repeat 7] [--pg URL]``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import sqlalchemy as sa
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from riskreg import create_app  # noqa: E402
from riskreg.cli import upgrade_database  # noqa: E402
from riskreg.enums import DpfStatus  # noqa: E402
from riskreg.extensions import db  # noqa: E402
from riskreg.imports.dpf import services  # noqa: E402
from riskreg.imports.dpf.parse import (  # noqa: E402
    NEAR,
    REVIEW_CUTOFF,
    SCORER,
    SUB_PROCESSOR,
    VENDOR,
    DpfEntry,
    match,
    read_list,
)
from riskreg.imports.names import normalise, strip_qualifier  # noqa: E402
from riskreg.vendors.models import SubProcessor, Vendor  # noqa: E402

TARGET_SECONDS = 2.0
#: The commit before issue 15 whose matcher is the baseline.
BASELINE = "fcd4b72"

FIRST = (
    "Acme", "Adobe", "Alpine", "Apex", "Arctic", "Atlas", "Aurora", "Beacon", "Blue", "Bright", "Cascade",
    "Cedar", "Cloud", "Cobalt", "Coral", "Crest", "Delta", "Digital", "Eagle", "Echo", "Ember", "Evergreen",
    "Falcon", "Fjord", "Global", "Granite", "Harbor", "Helix", "Horizon", "Indigo", "Iron", "Juniper",
    "Keystone", "Lake", "Liberty", "Lumen", "Maple", "Meridian", "Metro", "Nordic", "North", "Nova", "Oak",
    "Omega", "Orbit", "Pacific", "Peak", "Pioneer", "Polar", "Prairie", "Quantum", "Radiant", "Redwood",
    "River", "Sage", "Sierra", "Silver", "Summit", "Sun", "Titan", "Trident", "Union", "Vertex", "Vista",
    "Willow", "Zenith",
)  # fmt: skip
SECOND = (
    "Analytics", "Apps", "Bio", "Cloud", "Communications", "Computing", "Data", "Devices", "Digital",
    "Energy", "Finance", "Health", "Hosting", "Insights", "Labs", "Learning", "Logistics", "Media",
    "Mobile", "Networks", "Payments", "Security", "Software", "Solutions", "Systems", "Technologies",
    "Telecom", "Ventures", "Video", "Web", "Works",
)  # fmt: skip
SURNAMES = (
    "Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Anderson", "Thomas",
    "Jackson", "White", "Harris",
)  # fmt: skip
SUFFIXES = (
    "Inc.", "Inc", ", Inc.", "LLC", "L.L.C.", "Ltd.", "Limited", "Corp.", "Corporation", "Co.", "GmbH",
    "ApS", "A/S", "AB", "B.V.", "S.A.", "plc", "Pty Ltd", "",
)  # fmt: skip
COUNTRIES = ("Ireland", "Germany", "Denmark", "UK", "Netherlands", "EMEA", "Europe")


def base_name(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)}"
    if kind < 0.3:
        return f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(SECOND)}"
    return f"{rng.choice(FIRST)} {rng.choice(SECOND)}"


def typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    op = rng.random()
    if op < 0.4:
        return name[:i] + name[i + 1 :]  # a letter dropped
    if op < 0.7:
        return name[:i] + name[i] + name[i:]  # a letter doubled
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # two letters swapped


def respell(rng: random.Random, name: str) -> str:
    """The same company as someone else writes it: another legal form, "and", other case."""
    if "&" in name and rng.random() < 0.7:
        name = name.replace("&", "and")
    if rng.random() < 0.3:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    return f"{name} {rng.choice(SUFFIXES)}".replace(" ,", ",").strip()


QUALIFIERS = ("(affiliate)", "(and its US subsidiaries)", "(US)")
EUROPE = ("IE", "DE", "DK", "NL", "GB", "SE")

#: What a generated register name is, as the generator knows it.
SAME, TYPO, SUBSIDIARY, OTHER = "same company", "typing error", "subsidiary", "unrelated"


def generate(
    entries: int, names: int, seed: int
) -> tuple[list[DpfEntry], list[tuple[str, str | None, str, str]]]:
    """The list, and the register as (name, country, kind of name, base name of the company it is about)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    bases: list[str] = []
    while len(bases) < entries:
        base = base_name(rng)
        if base not in seen:
            seen.add(base)
            bases.append(base)
    listed = []
    for row, base in enumerate(bases, start=2):
        name = f"{base} {rng.choice(SUFFIXES)}".replace(" ,", ",").strip()
        if rng.random() < 0.05:
            name = f"{name} {rng.choice(QUALIFIERS)}"
        listed.append(DpfEntry(row, name, DpfStatus.ACTIVE if rng.random() < 0.9 else DpfStatus.INACTIVE))
    register: list[tuple[str, str | None, str, str]] = []

    def country(us: float) -> str | None:
        roll = rng.random()
        return "US" if roll < us else None if roll < us + 0.15 else rng.choice(EUROPE)

    for _ in range(names):
        roll = rng.random()
        base = rng.choice(bases)
        if roll < 0.25:
            register.append((respell(rng, base), country(0.7), SAME, base))
        elif roll < 0.35:
            register.append((respell(rng, typo(rng, base)), country(0.7), TYPO, base))
        elif roll < 0.45:
            name = f"{base} {rng.choice(COUNTRIES)} {rng.choice(SUFFIXES)}".strip()
            register.append((name, country(0.2), SUBSIDIARY, base))
        else:
            name = f"{base_name(rng)} {rng.choice(SECOND)} {rng.choice(SUFFIXES)}".strip()
            register.append((name, country(0.5), OTHER, ""))
    return listed, register


def as_csv(entries: list[DpfEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Organization Name", "Status", "Frameworks", "Covered Data", "Next Certification Due Date"]
    )
    for e in entries:
        status = "Active" if e.status == DpfStatus.ACTIVE else "INACTIVE-LAPSE"
        writer.writerow([e.name, status, "EU-U.S. DPF; UK Extension", "HR; Non-HR", "12/15/2026"])
    return out.getvalue().encode("utf-8")


# --- the databases ------------------------------------------------------------------------------------------


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def store(app: Flask, register: list[tuple[str, str | None, str, str]]) -> dict[tuple[str, int], int]:
    """Migrate and bulk-insert the register: two thirds vendors, a third sub-processors of one vendor.

    Returns the register's index of each stored (kind, id)."""
    with app.app_context():
        upgrade_database(app.config["SQLALCHEMY_DATABASE_URI"])
        session = db.session()
        holder = Vendor(name="Sub-processor holder ApS", country_code="DK")
        session.add(holder)
        session.flush()
        vendors = [(i, r) for i, r in enumerate(register) if i % 3]
        subs = [(i, r) for i, r in enumerate(register) if not i % 3]
        session.execute(sa.insert(Vendor), [{"name": r[0], "country_code": r[1]} for _, r in vendors])
        session.execute(
            sa.insert(SubProcessor),
            [{"name": r[0], "country_code": r[1], "vendor_id": holder.id} for _, r in subs],
        )
        session.commit()
        where: dict[tuple[str, int], int] = {}
        for kind, model, rows in ((VENDOR, Vendor, vendors), (SUB_PROCESSOR, SubProcessor, subs)):
            ids = session.scalars(select_ids(model, holder.id)).all()
            where.update(((kind, id), i) for id, (i, _) in zip(ids, rows, strict=True))
        db.session.remove()
        return where


def select_ids(model: Any, holder: int) -> Any:
    query = sa.select(model.id).order_by(model.id)
    return query.where(model.id != holder) if model is Vendor else query


@contextlib.contextmanager
def databases(tmp: Path, pg: str) -> Iterator[list[tuple[str, str]]]:
    """(label, url) of each database to measure: SQLite, and a scratch PostgreSQL database if reachable."""
    found = [("SQLite", f"sqlite:///{tmp / 'dpf.sqlite'}")]
    admin = None
    name = f"riskreg_bench_dpf_{os.getpid()}"
    if pg:
        url = sa.make_url(pg).set(drivername="postgresql+psycopg")
        try:
            admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            found.append(("PostgreSQL", url.set(database=name).render_as_string(hide_password=False)))
        except sa.exc.OperationalError as exc:
            print(f"PostgreSQL not measured ({str(exc).splitlines()[0]})")
            admin = None
    try:
        yield found
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


# --- the baseline -------------------------------------------------------------------------------------------


def baseline_module() -> ModuleType | None:
    """The matcher of commit ``BASELINE``, loaded from git; None where git does not have it."""
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{BASELINE}:riskreg/imports/dpf/parse.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp(prefix="riskreg-baseline-")) / "baseline_parse.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_parse", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def baseline_candidates(session: Any, old: ModuleType) -> list[Any]:
    """The baseline's query: every vendor and sub-processor in use, without the country."""
    found = []
    for kind, model in services.MODELS.items():
        rows = session.execute(
            sa.select(model.id, model.name, model.dpf_listed_name, model.dpf_status).where(
                model.is_archived.is_(False)
            )
        )
        found.extend(old.Candidate(kind, i, name, listed or "", status) for i, name, listed, status in rows)
    return found


# --- measuring ----------------------------------------------------------------------------------------------


def paired(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Each run ``repeat`` times, in pairs, alternating which goes first."""
    times: dict[str, list[float]] = {key: [] for key in runs}
    keys = list(runs)
    for i in range(repeat):
        for key in keys if i % 2 == 0 else keys[::-1]:
            start = time.perf_counter()
            runs[key]()
            times[key].append(time.perf_counter() - start)
    return times


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s (range {min(values):.3f}-{max(values):.3f})"


def review_queue(
    entries: list[DpfEntry], register: list[tuple[str, str | None, str, str]], result: Any, where: dict
) -> None:
    """What the near matches at the cutoff are, by the generator's kinds of name."""
    kinds: Counter[str] = Counter()
    right = 0
    for pair in result.review:
        if pair.reason != NEAR:
            continue
        name, _, kind, base = register[where[(pair.candidate.kind, pair.candidate.id)]]
        kinds[kind] += 1
        right += kind == TYPO and normalise(strip_qualifier(pair.entry.name)[0]) == normalise(base)
    near = sum(kinds.values())
    typos = sum(1 for _, c, k, _ in register if k == TYPO and (c is None or c == "US"))
    print(
        f"    review queue at cutoff {REVIEW_CUTOFF} ({SCORER.__name__}): {near} near matches: "
        + ", ".join(f"{k} {n} ({n / near:.0%})" for k, n in kinds.most_common())
    )
    print(f"    typing errors of US or no-country names found, with the right entry: {right} of {typos}")


def scorer_table(entries: list[DpfEntry], register: list[tuple[str, str | None, str, str]]) -> None:
    """Near-match quality by scorer and cutoff, on names no exact pass matched (no database)."""
    index = {normalise(strip_qualifier(e.name)[0]): e for e in entries}
    choices = list(index)
    loose = [
        (normalise(strip_qualifier(n)[0]), k, normalise(b))
        for n, c, k, b in register
        if c in (None, "US") and normalise(strip_qualifier(n)[0]) not in index
    ]
    queries = [q for q, _, _ in loose]
    print("    scorer / cutoff: near matches, unrelated share, typing errors found (of all typing errors)")
    for label, scorer in (
        ("token_sort_ratio", fuzz.token_sort_ratio),
        ("ratio", fuzz.ratio),
        ("WRatio", fuzz.WRatio),
    ):
        scores = process.cdist(queries, choices, scorer=scorer, dtype=np.uint8, workers=-1)
        top = scores.argmax(axis=1)
        best = scores[np.arange(len(queries)), top]
        for cutoff in (85, 86, 88, 90):
            hit = best >= cutoff
            n = int(hit.sum())
            unrelated = sum(1 for i in np.flatnonzero(hit) if loose[i][1] == OTHER)
            found = sum(
                1 for i in np.flatnonzero(hit) if loose[i][1] == TYPO and choices[top[i]] == loose[i][2]
            )
            all_typos = sum(1 for _, k, _ in loose if k == TYPO)
            print(
                f"      {label:16} {cutoff}: {n:5} near, unrelated {unrelated / max(n, 1):5.1%}, "
                f"typing errors {found} of {all_typos}"
            )


def bench_database(
    label: str,
    url: str,
    entries: list[DpfEntry],
    register: list[tuple[str, str | None, str, str]],
    old: ModuleType | None,
    repeat: int,
) -> None:
    """Store the register in the database at ``url``, then time (a) and (b) in paired runs and report."""
    app = make_app(url)
    where = store(app, register)
    with app.app_context():
        result: list[Any] = []

        def ours() -> None:
            db.session.remove()
            result[:] = [match(entries, services.candidates(db.session()))]

        runs: dict[str, Callable[[], Any]] = {"a": ours}
        if old:
            # The baseline's list: its entries have the same rows and names.
            old_entries = [old.DpfEntry(e.row, e.name, e.status) for e in entries]

            def theirs() -> None:
                db.session.remove()
                old.match(old_entries, baseline_candidates(db.session(), old))

            runs["b"] = theirs
        times = paired(runs, repeat)
        print(f"\n{label}: {len(where):,} names stored")
        print(f"(a) riskreg, loading + matching: {spread(times['a'])}, {repeat} paired runs")
        if old:
            ratios = [a / b for a, b in zip(times["a"], times["b"], strict=True)]
            print(f"(b) baseline, loading + matching: {spread(times['b'])}")
            print(
                f"    paired ratio (a)/(b): median {statistics.median(ratios):.2f} x "
                f"(range {min(ratios):.2f}-{max(ratios):.2f})"
            )
        r = result[0]
        print(
            f"    matched {len(r.matched):,}, to review {len(r.review):,}, different entity "
            f"{len(r.different):,}, not found {len(r.not_found):,}, "
            f"list entries unmatched {len(r.unmatched):,}"
        )
        review_queue(entries, register, r, where)
        ours_median = statistics.median(times["a"])
        verdict = "PASS" if ours_median < TARGET_SECONDS else "FAIL"
        print(f"{verdict}: (a) {ours_median:.3f} s against the target of {TARGET_SECONDS:.0f} s")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000, help="organisations on the DPF list")
    parser.add_argument("--names", type=int, default=10_000, help="vendor and sub-processor names")
    parser.add_argument("--repeat", type=int, default=7, help="paired runs per database")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", ""), help="a PostgreSQL server")
    args = parser.parse_args()

    entries, register = generate(args.entries, args.names, args.seed)
    print(f"DPF list: {len(entries):,} organisations; register: {len(register):,} names")
    data = as_csv(entries)
    start = time.perf_counter()
    read_list(data)
    print(f"reading the list from CSV ({len(data) / 1024:.0f} KB): {time.perf_counter() - start:.3f} s")
    old = baseline_module()
    print(
        f"baseline (b): commit {BASELINE}'s query and match" if old else "baseline: git has no commit, none"
    )

    with (
        tempfile.TemporaryDirectory(prefix="riskreg-bench-dpf-") as tmp,
        databases(Path(tmp), args.pg) as dbs,
    ):
        for label, url in dbs:
            bench_database(label, url, entries, register, old, args.repeat)
    print()
    scorer_table(entries, register)


if __name__ == "__main__":
    main()
