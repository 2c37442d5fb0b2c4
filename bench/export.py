"""Benchmark of the Excel exports (issue 7, item 6); see bench/README.md.

Builds a fresh SQLite database in a temporary directory (migrated as ``riskreg db upgrade`` does, then the
demo register with its DPIAs and ``--size`` generated systems as ``riskreg demo --size`` does; about ten
transfers per system), and measures on it, in one run:

(a) riskreg's register workbook, ``build_register_workbook`` against today's official list: the whole cost,
    its queries, its rows and writing them;
(b) pandas: each sheet of ``register_tables`` (the same rows) fetched into a ``DataFrame`` and written with
    ``DataFrame.to_excel`` into one ``pd.ExcelWriter`` (engine openpyxl): queries included, as in (a);
(c) the practical limit of a well-kept Python writer: XlsxWriter with ``constant_memory`` writing the same
    cells (``write_string`` / ``write_number`` / ``write_datetime``, header rows included); the rows are
    fetched first and are not timed, so (c) is writing only;

each with its wall time (median of ``--repeat``) and peak memory, then the ratios and PASS/FAIL against the
targets: (a) within 1.25 x (c), at least 2 x faster than (b), its peak under 100 MB and flat in the number of
rows ((a) is measured again on a second database of a tenth of the size). It also times the DPIA workbook of
the demo's AI text assistant in Momentum (target: well under a second, taken as under 0.5 s).

Memory: every measurement runs in a fresh subprocess (this script with the hidden ``--child`` option). Right
before the measured call the child resets its peak RSS (``/proc/self/clear_refs``) and notes its RSS; the peak
is ``VmHWM`` afterwards, and the figure shown is the growth, peak minus that baseline. ``getrusage``'s
``ru_maxrss`` is not used: after fork + exec it keeps the parent's high-water mark, and the parent holds the
whole generated register. ``--tracemalloc`` adds a pass per writer with the peak of the Python heap allocated
during the call, as a cross-check.

Run: ``.venv/bin/python bench/export.py [--size 10000] [--repeat 1] [--skip-pandas] [--keep]
[--tracemalloc]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from riskreg import create_app  # noqa: E402
from riskreg.audit import set_actor  # noqa: E402
from riskreg.catalogue import label_in, translate  # noqa: E402
from riskreg.cli import upgrade_database  # noqa: E402
from riskreg.demo.dpias import MOMENTUM_AI as MOMENTUM  # noqa: E402
from riskreg.extensions import db  # noqa: E402

LANG = "da"
TARGET_LIMIT_RATIO = 1.25  # (a) at most this many times (c)
TARGET_PANDAS_RATIO = 2.0  # (b) at least this many times (a)
TARGET_PEAK_MB = 100.0  # (a)'s peak memory growth at about 100,000 rows
#: Flat: writing the rest of the largest sheet after its first 10,000 rows raises (a)'s peak by at most this
#: (SQLite's page cache, 2 MB by default, may still be filling).
FLAT_SLACK_MB = 2.0
TARGET_DPIA_SECONDS = 0.5  # "well under a second"
DPIA_RUNS = 5
MB = 1_000_000


# --- the database -------------------------------------------------------------------------------------------


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def build(url: str, size: int, systems_per_vendor: int | None = None) -> dict[str, int]:
    """Migrate, load the demo register (with its DPIAs) and generate ``size`` systems; what it holds."""
    from riskreg.demo.cases import load_cases
    from riskreg.demo.generate import generate_register
    from riskreg.systems.models import System
    from riskreg.transfers import classified, sources
    from riskreg.vendors.models import SubProcessor, Vendor

    app = make_app(url)
    with app.app_context():
        upgrade_database(url)
        session = db.session()
        set_actor(session, None, "bench/export.py")
        load_cases(session)
        if size and systems_per_vendor:
            generate_register(session, size, systems_per_vendor=systems_per_vendor)
        elif size:
            generate_register(session, size)
        source = sources.official_source(session, sources.today())

        def count(what: Any) -> int:
            return session.scalar(select(func.count()).select_from(what)) or 0

        counts = {
            "systems": count(System),
            "vendors": count(Vendor),
            "sub_processors": count(SubProcessor),
            "transfers": count(classified.transfer_rows(source).subquery()),
        }
        db.session.remove()
        db.engine.dispose()
    return counts


# --- measuring in a child process ---------------------------------------------------------------------------


def _proc_status() -> dict[str, int]:
    """VmRSS and VmHWM of this process in KiB."""
    found = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _sep, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


class Meter:
    """Wall time and peak RSS growth of one call: baseline taken and peak reset right before the call."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.result: dict[str, Any] = {}
        self.rss_before = 0

    def run(self, fn: Callable[[], Any]) -> Any:
        import gc
        import tracemalloc

        gc.collect()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM to the current RSS
            reset = True
        except OSError:
            reset = False
        before = self.rss_before = _proc_status()["VmRSS"]
        if self.trace:
            tracemalloc.start()
        started = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] if self.trace else None
        if self.trace:
            tracemalloc.stop()
        peak = _proc_status()["VmHWM"]
        self.result = {
            "seconds": seconds,
            "rss_before_kib": before,
            "peak_kib": peak,
            # Without the reset the high-water mark may predate the call: then growth is an upper bound.
            "growth_kib": peak - before,
            "hwm_reset": reset,
            "traced_peak_bytes": traced,
        }
        return value


def cell(lang: str, value: Any) -> Any:
    """A value as the workbook shows it: an enum as its label, a yes/no as the word; the rest as it is."""
    if isinstance(value, bool):
        return translate(lang, "Yes") if value else translate(lang, "No")
    if isinstance(value, StrEnum):
        return label_in(lang, value)
    return value


def tables(session: Any, lang: str, choice: Any) -> Iterator[tuple[str, list[str], Iterator[Sequence[Any]]]]:
    """(sheet title, column labels, rows) of each sheet of the register workbook, as riskreg computes them."""
    from riskreg.exports.cells import unique_sheet_title
    from riskreg.exports.register.workbook import register_tables

    titles: set[str] = set()
    for table in register_tables(session, lang, choice=choice):
        title = unique_sheet_title(table.title, titles)
        titles.add(title)
        yield title, [c.label for c in table.columns], table.rows


def write_pandas(session: Any, lang: str, choice: Any, path: Path) -> dict[str, int]:
    """(b): each sheet's rows into a DataFrame, all written with one ExcelWriter (openpyxl)."""
    import pandas as pd

    counts = {}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for title, labels, rows in tables(session, lang, choice):
            frame = pd.DataFrame([[cell(lang, v) for v in row] for row in rows], columns=labels)
            frame.to_excel(writer, sheet_name=title, index=False)
            counts[title] = len(frame)
    return counts


def write_limit(sheets: list[tuple[str, list[str], list[list[Any]]]], path: Path) -> dict[str, int]:
    """(c): the same cells with XlsxWriter in constant_memory mode, nothing else (a date format only)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    counts = {}
    for title, labels, rows in sheets:
        ws = workbook.add_worksheet(title)
        write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
        for col, label in enumerate(labels):
            write_string(0, col, label)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    write_string(r, col, value)
                elif isinstance(value, int | float):
                    write_number(r, col, value)
                elif isinstance(value, dt.date):
                    write_datetime(r, col, value, date_format)
                else:
                    write_string(r, col, str(value))
        counts[title] = len(rows)
    workbook.close()
    return counts


#: Rows between two samples of the peak while a sheet is written (the "rows" measurement).
SAMPLE_EVERY = 10_000


def sample_rows(meter: Meter) -> list[tuple[str, int, int]]:
    """Note the peak RSS growth so far at every ``SAMPLE_EVERY``-th row of each sheet, as it is written.

    A separate measurement from (a)'s timed one: the wrapper costs a little per row.
    """
    from riskreg.exports import xlsx

    samples: list[tuple[str, int, int]] = []
    append = xlsx.Sheet.append

    def sampled(self: Any, values: Any, styles: Any = None) -> int:
        row = append(self, values, styles)
        if row and row % SAMPLE_EVERY == 0:
            samples.append((self.name, row, _proc_status()["VmHWM"] - meter.rss_before))
        return row

    xlsx.Sheet.append = sampled  # type: ignore[method-assign]
    return samples


def child(which: str, url: str, out: Path, trace: bool) -> dict[str, Any]:
    """One measurement in this (fresh) process; what ``main`` prints comes from the returned dict."""
    from riskreg.systems.assessment import choose_source

    app = make_app(url)
    meter = Meter(trace)
    with app.app_context():
        session = db.session()
        translate(LANG, "Yes")  # the catalogue is loaded once per process, not per export
        choice = choose_source(session, "", "", LANG)
        if which in ("export", "rows"):
            from riskreg.exports.register.workbook import build_register_workbook

            samples: list[tuple[str, int, int]] = []
            if which == "rows":
                samples = sample_rows(meter)
            counts = meter.run(lambda: build_register_workbook(session, str(out), LANG, choice=choice))
            meter.result["samples"] = samples
        elif which == "pandas":
            counts = meter.run(lambda: write_pandas(session, LANG, choice, out))
        elif which == "limit":
            started = time.perf_counter()
            sheets = [
                (title, labels, [[cell(LANG, v) for v in row] for row in rows])
                for title, labels, rows in tables(session, LANG, choice)
            ]
            fetched = time.perf_counter() - started
            session.rollback()
            counts = meter.run(lambda: write_limit(sheets, out))
            meter.result["fetch_seconds"] = fetched
        elif which == "dpia":
            from riskreg.demo.dpias import MOMENTUM_AI
            from riskreg.exports.dpia_workbook import build_dpia_workbook
            from riskreg.systems.models import System

            system = session.scalars(select(System).where(System.name == MOMENTUM_AI)).one()
            runs = []
            for _ in range(DPIA_RUNS):
                meter.run(lambda: build_dpia_workbook(session, system, str(out), LANG))
                runs.append(meter.result["seconds"])
            meter.result["runs"] = runs
            counts = {}
        else:
            raise ValueError(which)
    return {**meter.result, "rows": dict(counts), "bytes": out.stat().st_size}


def measure(which: str, url: str, out: Path, repeat: int, trace: bool = False) -> dict[str, Any]:
    """``repeat`` fresh child processes: the median time and the largest peak, or the error of the first."""
    results = []
    for _ in range(repeat):
        command = [sys.executable, __file__, "--child", which, "--url", url, "--out", str(out)]
        if trace:
            command.append("--tracemalloc")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            return {"error": lines[-1]}
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = results[0]
    runs = [r["seconds"] for r in results]
    if which == "dpia":
        runs = [s for r in results for s in r["runs"]]
    return {
        **first,
        "seconds": statistics.median(runs),
        "runs": runs,
        "growth_kib": max(r["growth_kib"] for r in results),
        "traced_peak_bytes": max((r["traced_peak_bytes"] or 0) for r in results) if trace else None,
    }


# --- the report ---------------------------------------------------------------------------------------------


def status(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def mb(kib: float) -> float:
    return kib * 1024 / MB


def describe(label: str, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{label}: not measured: {r['error']}"
    runs = ", ".join(f"{s:.2f}" for s in r["runs"])
    text = (
        f"{label}: {r['seconds']:.2f} s (median of {len(r['runs'])}: {runs}), "
        f"peak RSS +{mb(r['growth_kib']):.1f} MB, file {r['bytes'] / MB:.1f} MB"
    )
    if r.get("traced_peak_bytes") is not None:
        text += f" [tracemalloc pass: Python heap peak {r['traced_peak_bytes'] / MB:.1f} MB]"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of the Excel exports (see bench/README.md).")
    parser.add_argument("--size", type=int, default=10_000, help="generated systems (default 10000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each timing; the median is shown")
    parser.add_argument(
        "--skip-pandas", action="store_true", help="leave out (b), which is slow at full size"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and the workbooks")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also a pass per writer with tracemalloc's peak"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(args.child, args.url, Path(args.out), args.tracemalloc)))
        return 0

    if not Path("/proc/self/clear_refs").exists():
        print("Warning: no /proc/self/clear_refs; peaks are upper bounds (high-water mark not reset).")
    workdir = Path(tempfile.mkdtemp(prefix="riskreg-bench-export-"))
    try:
        return run(args, workdir)
    finally:
        if args.keep:
            print(f"\nKept the databases and workbooks in {workdir}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    urls, held = {}, {}
    tenth = max(args.size // 10, 1)
    # "same vendors": a tenth of the systems and transfers, as many vendors (recipient locations) as "full".
    databases = (("full", args.size, None), ("tenth", tenth, None), ("same vendors", tenth, 1))
    for name, size, per_vendor in databases:
        file = name.replace(" ", "-") + ".sqlite"
        urls[name] = f"sqlite:///{workdir / file}"
        started = time.perf_counter()
        held[name] = h = build(urls[name], size, per_vendor)
        print(
            f"Built ({name}): demo register + {size} generated systems = {h['systems']} systems, "
            f"{h['vendors']} vendors, {h['sub_processors']} sub-processors, {h['transfers']} transfers "
            f"in {time.perf_counter() - started:.1f} s"
        )

    print("\nMeasuring, each in a fresh process ...")
    full = urls["full"]
    a = measure("export", full, workdir / "a-riskreg.xlsx", args.repeat)
    skipped: dict[str, Any] = {"error": "left out (--skip-pandas)"}
    b = skipped if args.skip_pandas else measure("pandas", full, workdir / "b-pandas.xlsx", args.repeat)
    c = measure("limit", full, workdir / "c-limit.xlsx", args.repeat)
    a_tenth = measure("export", urls["tenth"], workdir / "a-riskreg-tenth.xlsx", args.repeat)
    a_rows = measure("export", urls["same vendors"], workdir / "a-riskreg-same-vendors.xlsx", args.repeat)
    sampled = measure("rows", full, workdir / "a-riskreg-sampled.xlsx", 1)
    dpia = measure("dpia", full, workdir / "dpia.xlsx", 1)
    if args.tracemalloc:
        for r, which in ((a, "export"), (b, "pandas"), (c, "limit"), (a_tenth, "export"), (a_rows, "export")):
            if "error" not in r:
                url = urls["tenth"] if r is a_tenth else urls["same vendors"] if r is a_rows else full
                traced = measure(which, url, workdir / f"traced-{which}.xlsx", 1, trace=True)
                r["traced_peak_bytes"] = traced.get("traced_peak_bytes")

    rows = a.get("rows", {})
    print(
        "",
        f"Rows per sheet (a): {', '.join(f'{k} {v}' for k, v in rows.items()) or '-'}"
        f" = {sum(rows.values())} data rows",
        "Peak memory: RSS growth over the baseline taken right before the call (VmHWM after a reset;",
        "  MB = 10^6 bytes), each in a fresh process; (c)'s rows are fetched before its baseline (input).",
        describe("(a) riskreg build_register_workbook (queries + rows + writing)", a),
        describe("(b) pandas DataFrame.to_excel, openpyxl (queries + DataFrames + writing)", b),
        describe("(c) xlsxwriter constant_memory, the same cells (writing only)", c),
        describe(f"(a) at a tenth of the size ({held['tenth']['transfers']} transfers)", a_tenth),
        describe(
            f"(a) at a tenth of the transfers ({held['same vendors']['transfers']}) with as many vendors "
            f"as the full size ({held['same vendors']['vendors']})",
            a_rows,
        ),
        sep="\n",
    )
    if "fetch_seconds" in c:
        print(
            "    for reference, fetching (c)'s rows from register_tables, not timed in (c): "
            f"{c['fetch_seconds']:.2f} s"
        )
    for r, name in ((b, "b"), (c, "c")):
        if "rows" in r and "rows" in a and list(r["rows"].values()) != list(a["rows"].values()):
            print(f"Warning: ({name}) wrote {r['rows']}, (a) {a['rows']}")

    print()
    measured = "error" not in a
    if measured and "error" not in c:
        print(f"Ratio (a)/(c): {a['seconds'] / c['seconds']:.2f}x")
    if measured and "error" not in b:
        print(f"Ratio (b)/(a): {b['seconds'] / a['seconds']:.2f}x")
    target(
        f"(a) within {TARGET_LIMIT_RATIO} x (c)",
        measured and "error" not in c,
        lambda: a["seconds"] <= TARGET_LIMIT_RATIO * c["seconds"],
    )
    target(
        f"(a) at least {TARGET_PANDAS_RATIO:.0f} x faster than (b)",
        measured and "error" not in b,
        lambda: b["seconds"] >= TARGET_PANDAS_RATIO * a["seconds"],
        b.get("error", ""),
    )
    peak, peak_tenth = mb(a.get("growth_kib", 0)), mb(a_tenth.get("growth_kib", 0))
    target(
        f"(a)'s peak under {TARGET_PEAK_MB:.0f} MB at {held['full']['transfers']} transfers (+{peak:.1f} MB)",
        measured,
        lambda: peak < TARGET_PEAK_MB,
    )
    peak_rows = mb(a_rows.get("growth_kib", 0))
    # Flat in the number of rows: the peak does not rise while the rows of the largest sheet are written.
    samples = [x for x in sampled.get("samples", []) if x[0] == max(rows, key=rows.get, default="")]
    if samples:
        sheet, first_row, first = samples[0]
        _sheet, last_row, last = samples[-1]
        print(
            f"(a) peak RSS growth while writing {sheet}: "
            + ", ".join(f"row {r}: +{mb(g):.1f} MB" for _s, r, g in samples)
        )
    target(
        f"(a)'s peak flat in the number of rows: +{mb(first) if samples else 0:.1f} MB after row "
        f"{first_row if samples else 0} of the largest sheet, +{mb(last) if samples else 0:.1f} MB after row "
        f"{last_row if samples else 0} (at most {FLAT_SLACK_MB:.0f} MB more)",
        measured and len(samples) >= 2,
        lambda: mb(last) - mb(first) <= FLAT_SLACK_MB,
        sampled.get("error", ""),
    )
    print(
        f"    for reference, another register with a tenth of the transfers and as many vendors: "
        f"+{peak_rows:.1f} MB ({peak / max(peak_rows, 0.001):.2f}x; SQLite, in this process, sorts and "
        "caches a larger database)"
    )
    if measured and "error" not in a_tenth:
        locations = held["full"]["vendors"] + held["full"]["sub_processors"]
        print(
            f"    for reference, a tenth of everything (vendors too): +{peak_tenth:.1f} MB; the difference "
            f"grows with the vendors and sub-processors ({locations} at the full size), whose locations' "
            "cells the transfers sheet keeps once each"
        )
    print()
    if "error" in dpia:
        print(f"DPIA workbook: not measured: {dpia['error']}")
    else:
        runs = ", ".join(f"{s:.3f}" for s in dpia["runs"])
        print(
            f"DPIA workbook of one system ({MOMENTUM}): {dpia['seconds']:.3f} s (median of "
            f"{len(dpia['runs'])} in one process: {runs}), file {dpia['bytes'] / 1000:.0f} kB"
        )
    target(
        f"DPIA workbook under {TARGET_DPIA_SECONDS} s",
        "error" not in dpia,
        lambda: dpia["seconds"] < TARGET_DPIA_SECONDS,
    )
    return 0


def target(what: str, measured: bool, met: Callable[[], bool], why: str = "") -> None:
    """A PASS/FAIL line; a target that could not be measured fails."""
    verdict = status(met()) if measured else f"FAIL (not measured{': ' + why if why else ''})"
    print(f"Target: {what}: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
