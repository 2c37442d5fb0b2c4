"""``riskreg assess`` and ``riskreg scenario``: the transfer engine on the command line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from riskreg.catalogue import label_in, translate
from riskreg.clitools import LANGS, iso_date
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.systems.models import System
from riskreg.transfers import findings, scenario_impact, sources
from riskreg.vocabulary import N_

FORMATS = click.Choice(["table", "json"])


def _system_ids(name: str | None, lang: str) -> list[int] | None:
    if name is None:
        return None
    ids = list(db.session.scalars(select(System.id).where(func.lower(System.name) == name.strip().lower())))
    if not ids:
        raise click.ClickException(translate(lang, N_("No system called %(name)s."), name=name))
    return ids


def assessment_json(assessments: Sequence[findings.Assessment]) -> list[dict[str, Any]]:
    """The documented JSON shape of ``riskreg assess --format json`` (plus each system's outcome)."""
    return [
        {
            "system": a.system,
            "verdict": a.verdict.value,
            "outcome": a.outcome.value,
            "exposure": [
                {"entity": e.entity, "role": e.role.value, "country": e.country_code, "laws": e.laws}
                for e in a.exposure
            ],
            "transfers": [
                {
                    "recipient": t.recipient,
                    "country": t.country_code,
                    "kind": t.kind.value if t.kind else None,
                    "class": t.klass.value,
                    "rule": t.rule,
                    "mechanism": t.mechanism.value,
                    "tia_missing": t.tia_missing,
                    "reason_da": t.reason_da,
                    "reason_en": t.reason_en,
                }
                for t in a.transfers
            ],
        }
        for a in assessments
    ]


def _echo_assessments(
    assessments: Sequence[findings.Assessment], source: sources.ListSource, lang: str
) -> None:
    click.echo(translate(lang, N_("List: %(list)s"), list=source.label(lang)))
    for a in assessments:
        click.echo("")
        click.echo(f"{a.system}: {label_in(lang, a.verdict)} ({label_in(lang, a.outcome)})")
        for e in a.exposure:
            click.echo(f"  ! {e.reason(lang)}")
        for t in a.transfers:
            country = t.country_code or "?"
            click.echo(f"  [{t.klass.value:<11}] {t.recipient} / {country} ({t.rule}): {t.reason(lang)}")


@click.command("assess")
@click.option("--system", "system_name", metavar="NAME", help="Only this system (its exact name).")
@click.option("--as-of", callback=iso_date, metavar="YYYY-MM-DD", help="Use the list in force on this date.")
@click.option("--scenario", metavar="NAME", help="Apply a scenario list on top of the official list.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the table.")
@with_appcontext
def assess_command(
    system_name: str | None, as_of: dt.date | None, scenario: str | None, fmt: str, lang: str
) -> None:
    """Classify every transfer (system x recipient x country) and find jurisdiction exposure.

    A system's verdict is the worst class among its transfers; the outcome adds exposure (a very high one,
    such as China's, makes a system not acceptable wherever its data is stored).
    """
    session = db.session()
    try:
        scenario_list = sources.find_scenario(session, scenario, lang) if scenario else None
        source = sources.source_for(session, as_of or sources.today(), scenario_list, lang)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    assessments = findings.assess(session, source, _system_ids(system_name, lang))
    if fmt == "json":
        click.echo(json.dumps(assessment_json(assessments), ensure_ascii=False, indent=2))
    else:
        _echo_assessments(assessments, source, lang)


@click.group("scenario")
def scenario_group() -> None:
    """What-if lists beside the official one (e.g. "DPF invalidated")."""


@scenario_group.command("list")
@with_appcontext
def scenario_list() -> None:
    """The scenarios there are."""
    for s in sources.scenario_lists(db.session()):
        click.echo(s.name)


@scenario_group.command("run")
@click.argument("name")
@click.option(
    "--as-of", callback=iso_date, metavar="YYYY-MM-DD", help="Compare with the list in force on this date."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--lang", type=LANGS, default="da", show_default=True, help="Language of the table.")
@with_appcontext
def scenario_run(name: str, as_of: dt.date | None, fmt: str, lang: str) -> None:
    """Which systems change verdict (or outcome) under the scenario NAME, from what to what. Reads only."""
    session = db.session()
    try:
        scenario = sources.find_scenario(session, name, lang)
        base, what_if, changes = scenario_impact.scenario_impact(
            session, scenario, as_of or sources.today(), lang
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    if fmt == "json":
        changed = [
            {
                "system": c.system,
                "before": c.before.value,
                "after": c.after.value,
                "outcome_before": c.before_outcome.value,
                "outcome_after": c.after_outcome.value,
            }
            for c in changes
        ]
        click.echo(json.dumps({"scenario": scenario.name, "changed": changed}, ensure_ascii=False, indent=2))
        return
    click.echo(
        translate(
            lang,
            N_("Compared: %(base)s -> %(scenario)s"),
            base=base.label(lang),
            scenario=what_if.label(lang),
        )
    )
    if not changes:
        click.echo(translate(lang, N_("No system changes verdict.")))
    for c in changes:
        click.echo(
            f"{c.system}: {label_in(lang, c.before)} -> {label_in(lang, c.after)} "
            f"({label_in(lang, c.before_outcome)} -> {label_in(lang, c.after_outcome)})"
        )
        for _before, after in c.transfers:
            click.echo(f"  - {after.reason(lang)}")
