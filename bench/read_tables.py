"""Benchmark of reading an import table (issue 15, item 5): riskreg's reader against pandas; bench/README.md.

Generates a register sheet of ``--rows`` rows (12 columns, real-looking text, dates and numbers) as CSV and as
XLSX in a temporary directory, then measures in one run, each reader in a fresh process, paired (the readers
alternate within each repeat so that a slow moment of the machine hits all of them):

- ``riskreg``: ``read_table`` as the imports call it (CSV: the ``csv`` module; XLSX: the engine ``read_table``
  uses, python-calamine), every limit and check included, into ``Table`` rows;
- ``openpyxl``: the XLSX reader used before (``load_workbook(read_only=True, data_only=True)``), the baseline;
- ``pandas``: ``read_csv(dtype=str, keep_default_na=False)`` and ``read_excel(engine="calamine", dtype=str)``
  into a ``DataFrame``, then turned into the same ``{header: text}`` rows (what the imports need).

Prints the median and range (min-max) of ``--repeat`` runs in seconds, and the ratios against the baseline.

Run: ``.venv/bin/python bench/read_tables.py [--rows 200000] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = [
    "System",
    "Leverandør",
    "Leverandørens land",
    "Moderselskab",
    "Moderselskabets land",
    "Behandlingslande",
    "Overførselsgrundlag",
    "DPF-status",
    "Rolle",
    "Databehandleraftale underskrevet",
    "Antal registrerede",
    "Formål",
]
VENDORS = [
    "Dropbox International Unlimited Company",
    "Zoom Video Communications, Inc.",
    "Miro Ltd",
    "KMD A/S",
]
COUNTRIES = ["Irland", "United States", "Danmark", "Ireland, United States", "unknown", "Germany; India"]


def rows(n: int) -> list[list[object]]:
    rnd = random.Random(15)
    out: list[list[object]] = []
    for i in range(n):
        out.append(
            [
                f"System {i:06d}",
                f"{rnd.choice(VENDORS)} {i % 5000}",
                rnd.choice(["IE", "US", "Danmark", "Sverige"]),
                rnd.choice(["", "Alphabet Inc.", "Microsoft Corporation"]),
                rnd.choice(["", "US"]),
                rnd.choice(COUNTRIES),
                rnd.choice(["SCC", "DPF", "Adequacy", ""]),
                rnd.choice(["active", "unknown", "", "inactive"]),
                rnd.choice(["Databehandler", "processor", "independent controller"]),
                dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randrange(1500)),
                rnd.randrange(50, 200_000),
                "Sagsbehandling af borgerhenvendelser, journalisering og opfølgning",
            ]
        )
    return out


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    import xlsxwriter

    data = rows(n)
    csv_path = folder / "register.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADERS)
        for row in data:
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    xlsx_path = folder / "register.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            else:
                sheet.write(r, c, value)
    book.close()
    return csv_path, xlsx_path


# --- the readers (each runs in a child process) ------------------------------------------------------------


def _limits():  # type: ignore[no-untyped-def]
    from riskreg.imports.files import Limits

    return Limits(max_bytes=1 << 31, max_unzipped=1 << 31, max_rows=10_000_000)


def read_riskreg(path: Path) -> int:
    from riskreg.imports.files import read_table

    return len(read_table(path.read_bytes(), _limits()).rows)


def read_openpyxl(path: Path) -> int:
    import io

    from openpyxl import load_workbook

    from riskreg.imports.files import Table as T
    from riskreg.imports.files import _build, _cell_text, _filled

    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    found = []
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _cell_text(v) for v in values]
        if _filled(cells):
            found.append((number, cells))
    book.close()
    return len(_build(T([], [], "xlsx"), found, _limits()).rows)


def read_pandas(path: Path) -> int:
    import io

    import pandas as pd

    data = path.read_bytes()
    if path.suffix == ".csv":
        frame = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(io.BytesIO(data), engine="calamine", dtype=str, keep_default_na=False)
    headers = [" ".join(str(h).split()) for h in frame.columns]
    out = [
        dict(zip(headers, (str(v).strip() for v in values), strict=False))
        for values in frame.itertuples(index=False, name=None)
    ]
    return len(out)


READERS = {"riskreg": read_riskreg, "openpyxl": read_openpyxl, "pandas": read_pandas}


def child(reader: str, path: Path) -> None:
    start = time.perf_counter()
    n = READERS[reader](path)
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": n}))


def run_child(reader: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", reader, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = write_files(Path(folder), args.rows)
        print(
            f"{args.rows:,} rows x {len(HEADERS)} columns: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
            f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB; median (min-max) of {args.repeat} paired runs"
        )
        plans = {
            "CSV": (csv_path, ["riskreg", "pandas"], "riskreg"),
            "XLSX": (xlsx_path, ["openpyxl", "riskreg", "pandas"], "openpyxl"),
        }
        for kind, (path, readers, baseline) in plans.items():
            times: dict[str, list[float]] = {r: [] for r in readers}
            for i in range(args.repeat):
                order = readers[i % len(readers) :] + readers[: i % len(readers)]
                for reader in order:
                    result = run_child(reader, path)
                    assert result["rows"] == args.rows, result
                    times[reader].append(result["seconds"])
            base = statistics.median(times[baseline])
            for reader in readers:
                t = times[reader]
                median = statistics.median(t)
                label = {"riskreg": "riskreg read_table", "openpyxl": "openpyxl (before)"}.get(reader, reader)
                engine = " (read_csv)" if reader == "pandas" and kind == "CSV" else ""
                engine = " (read_excel, calamine)" if reader == "pandas" and kind == "XLSX" else engine
                print(
                    f"  {kind:4} {label + engine:34} {median:7.2f} s  ({min(t):.2f}-{max(t):.2f})"
                    f"  {median / base:5.2f} x baseline ({baseline})"
                )


if __name__ == "__main__":
    main()
