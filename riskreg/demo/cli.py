"""``riskreg demo``: load the demo register, optionally with a large generated register beside it."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from riskreg.audit import set_actor
from riskreg.demo.cases import load_cases
from riskreg.demo.generate import DEFAULT_SEED, generate_register
from riskreg.errors import DomainError
from riskreg.extensions import db

ACTOR = "riskreg demo"
PLURAL = {
    "approval_body": "approval bodies",
    "audit_statement": "audit statements",
    "data_processing_agreement": "DPAs",
    "decision": "decisions",
    "department": "departments",
    "dpia": "DPIAs",
    "dpia_risk": "DPIA risks",
    "dpia_suggestion_dismissal": "dismissed suggestions",
    "sub_processor": "sub-processors",
    "supervision": "supervision plans",
    "system": "systems",
    "user": "DPO user",
    "vendor": "vendors",
}


@click.command("demo")
@click.option(
    "--size",
    type=click.IntRange(min=0, max=1_000_000),
    default=0,
    show_default=True,
    metavar="N",
    help="Also generate N systems ('Demo system 00001', ...) with about N/10 vendors and sub-processors.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the generator: the same seed and starting number give the same register.",
)
@with_appcontext
def demo_command(size: int, seed: int) -> None:
    """Load the demo register: the three cases of June 2026 (CapCut Pro, Canva via SkoleTube, the AI text
    assistant in Momentum) with their alternatives, their DPIAs and the decisions of June 2026, the approval
    bodies, departments and ordinary systems. The decisions are recorded by a demo DPO user
    (databeskyttelse@kommune.example.dk) whose password is generated and never shown; to log in as the DPO,
    set one with 'riskreg user set-password databeskyttelse@kommune.example.dk'.

    Running it again adds nothing: records are found by name and only missing ones are added, through the
    ORM, so the audit log shows them as created by "riskreg demo".

    With --size N it then generates N more systems for benchmarks, roughly ten transfers (system x recipient x
    country) each. Each run adds a new batch, numbered on from the highest existing 'Demo system' and 'Demo
    vendor'. The batch is written with bulk inserts, which bypass the audit log: generated benchmark data
    has no history.
    """
    session = db.session()
    set_actor(session, None, ACTOR)
    try:
        summary = load_cases(session)
    except DomainError as exc:  # a DPIA service refused a seed step (the register was changed by hand)
        raise click.ClickException(f"Demo DPIAs: {exc.message}") from exc
    if summary.is_empty:
        click.echo("Demo cases: nothing added, they are already there.")
    else:
        counts = ", ".join(f"{n} {PLURAL.get(kind, kind)}" for kind, n in sorted(summary.added.items()))
        click.echo(f"Demo cases added: {counts}.")
        for name in summary.names:
            click.echo(f"  + {name}")
    if size:
        result = generate_register(session, size, seed=seed)
        click.echo(
            f"Generated {result.systems} systems ({result.first_system} .. {result.last_system}), "
            f"{result.vendors} vendors, {result.sub_processors} sub-processors, "
            f"{result.locations} locations: "
            f"{result.transfers} system x recipient x country rows "
            f"({result.transfers / result.systems:.1f} per system) in {result.seconds:.1f} s."
        )
