"""``riskreg import``: the DPF list, a vendor's sub-processor list, an existing register spreadsheet."""

from __future__ import annotations

import click


@click.group("import")
def import_group() -> None:
    """Import lists and spreadsheets (all or nothing; --dry-run shows what would change)."""


def commands() -> click.Group:
    """The group with every import command attached (each lives beside its import's code)."""
    from riskreg.imports.dpf import cli as dpf_cli  # noqa: F401  (attach the commands)
    from riskreg.imports.register import cli as register_cli  # noqa: F401
    from riskreg.imports.subprocessors import cli as subprocessor_cli  # noqa: F401

    return import_group
