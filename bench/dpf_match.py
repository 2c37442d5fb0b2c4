"""Benchmark of the DPF list matching (issue 6, item 5).

Generates a DPF list of ``--entries`` organisations and a register of ``--names`` vendor and sub-processor
names, synthetic but written as people write them: the same company with another legal form ("Inc." / "LLC" /
"A/S" / ", Inc."), "&" for "and", other case, typing errors, subsidiaries ("... Ireland Ltd") and unrelated
names. Then it measures, in the same run:

(a) riskreg's matching, ``riskreg.imports.dpf.parse.match`` (normalising every name, the exact pass, the
    rapidfuzz near-match pass over the names not matched), the median of ``--repeat`` runs;
(b) a naive pairwise loop, ``fuzz.ratio`` of every list name with every register name, timed on ``--sample``
    list entries and extrapolated to the whole list;

and prints both, the ratio and PASS/FAIL against the target (a) under 2 s. It also times reading the list from
a CSV file (``read_list``), for reference. No database is needed.

Run: ``.venv/bin/python bench/dpf_match.py [--entries 3000] [--names 10000] [--repeat 3] [--sample 100]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from riskreg.enums import DpfStatus  # noqa: E402
from riskreg.imports.dpf.parse import (  # noqa: E402
    SUB_PROCESSOR,
    VENDOR,
    Candidate,
    DpfEntry,
    match,
    read_list,
)

TARGET_SECONDS = 2.0

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


def generate(entries: int, names: int, seed: int) -> tuple[list[DpfEntry], list[Candidate]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    bases: list[str] = []
    while len(bases) < entries:
        base = base_name(rng)
        if base not in seen:
            seen.add(base)
            bases.append(base)
    listed = [
        DpfEntry(
            row,
            f"{base} {rng.choice(SUFFIXES)}".replace(" ,", ",").strip(),
            DpfStatus.ACTIVE if rng.random() < 0.9 else DpfStatus.INACTIVE,
        )
        for row, base in enumerate(bases, start=2)
    ]
    register: list[Candidate] = []
    for i in range(names):
        roll = rng.random()
        base = rng.choice(bases)
        if roll < 0.25:
            name = respell(rng, base)  # the same company: an exact match once normalised
        elif roll < 0.35:
            name = respell(rng, typo(rng, base))  # a typing error: a near match
        elif roll < 0.45:
            name = f"{base} {rng.choice(COUNTRIES)} {rng.choice(SUFFIXES)}".strip()  # a subsidiary
        else:
            name = f"{base_name(rng)} {rng.choice(SECOND)} {rng.choice(SUFFIXES)}".strip()  # someone else
        register.append(Candidate(VENDOR if i % 3 else SUB_PROCESSOR, i + 1, name))
    return listed, register


def as_csv(entries: list[DpfEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organization Name", "Status", "Frameworks", "Covered Data"])
    for e in entries:
        writer.writerow(
            [e.name, "Active" if e.status == DpfStatus.ACTIVE else "Inactive", "EU-U.S. DPF", "HR"]
        )
    return out.getvalue().encode("utf-8")


def naive_seconds(entries: list[DpfEntry], register: list[Candidate], sample: int) -> tuple[float, int]:
    """fuzz.ratio over every pair of a sample of the list, extrapolated to the whole list."""
    sample_entries = entries[:sample]
    names = [c.name.lower() for c in register]
    start = time.perf_counter()
    near = 0
    for e in sample_entries:
        name = e.name.lower()
        for other in names:
            if fuzz.ratio(name, other) >= 85:
                near += 1
    elapsed = time.perf_counter() - start
    return elapsed * len(entries) / len(sample_entries), near


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=3000, help="organisations on the DPF list")
    parser.add_argument("--names", type=int, default=10_000, help="vendor and sub-processor names")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=100, help="list entries the naive loop is timed on")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    entries, register = generate(args.entries, args.names, args.seed)
    print(f"DPF list: {len(entries):,} organisations; register: {len(register):,} names")

    data = as_csv(entries)
    start = time.perf_counter()
    read_list(data)
    print(f"reading the list from CSV ({len(data) / 1024:.0f} KB): {time.perf_counter() - start:.3f} s")

    times = []
    result = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = match(entries, register)
        times.append(time.perf_counter() - start)
    assert result is not None
    ours = statistics.median(times)
    print(
        f"(a) riskreg matching: {ours:.3f} s (median of {args.repeat}; runs: "
        + ", ".join(f"{t:.3f}" for t in times)
        + ")"
    )
    print(
        f"    matched {len(result.matched):,}, to review {len(result.review):,}, "
        f"not found {len(result.not_found):,}, list entries unmatched {len(result.unmatched):,}"
    )

    naive, near = naive_seconds(entries, register, args.sample)
    print(
        f"(b) naive pairwise fuzz.ratio: {naive:.1f} s extrapolated from {args.sample} entries x "
        f"{len(register):,} names ({near} pairs >= 85 in the sample; no exact pass, no legal forms)"
    )
    print(f"ratio (b)/(a): {naive / ours:.0f} x")
    verdict = "PASS" if ours < TARGET_SECONDS else "FAIL"
    print(f"{verdict}: (a) {ours:.3f} s against the target of {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
