"""The standard measures shipped with riskreg (domain §5 and the Momentum case). No Flask.

Names and descriptions are message ids, translated where they are shown; ``key`` identifies a measure across
releases. A measure that depends on users remembering a rule is marked so (the Canva lesson).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.dpia.models import Measure
from riskreg.enums import MeasureKind
from riskreg.vocabulary import N_

TECH, CONTRACT, ORG = MeasureKind.TECHNICAL, MeasureKind.CONTRACTUAL, MeasureKind.ORGANISATIONAL


@dataclass(frozen=True)
class StandardMeasure:
    key: str
    kind: MeasureKind
    name: str
    description: str
    relies_on_users: bool = False


STANDARD_MEASURES = (
    StandardMeasure(
        "customer_held_keys",
        TECH,
        N_("Encryption with customer-held keys"),
        N_("The municipality holds the keys; the vendor cannot read the data without them."),
    ),
    StandardMeasure(
        "eu_data_boundary",
        TECH,
        N_("EU Data Boundary"),
        N_("The vendor stores and processes the data within the EU/EEA, support included where stated."),
    ),
    StandardMeasure(
        "customer_lockbox",
        TECH,
        N_("Customer Lockbox"),
        N_("The vendor's support sees data only after the municipality approves each request."),
    ),
    StandardMeasure(
        "pseudonymisation",
        TECH,
        N_("Pseudonymisation"),
        N_("Direct identifiers are replaced before the data reaches the recipient."),
    ),
    StandardMeasure(
        "access_control",
        TECH,
        N_("Access control and logging"),
        N_("Access by role and need to know; access is logged and the log is reviewed."),
    ),
    StandardMeasure(
        "deletion_rules",
        CONTRACT,
        N_("Deletion rules"),
        N_("The agreement fixes when data, prompts and outputs are deleted, and deletion is confirmed."),
    ),
    StandardMeasure(
        "dpf_certification",
        CONTRACT,
        N_("DPF certification"),
        N_("The US recipient is certified under the EU-US Data Privacy Framework; its listing is checked."),
    ),
    StandardMeasure(
        "scc_tia",
        CONTRACT,
        N_("Standard contractual clauses with a transfer impact assessment"),
        N_("SCC 2021/914 with a documented TIA and supplementary measures."),
    ),
    StandardMeasure(
        "data_processing_agreement",
        CONTRACT,
        N_("Data processing agreement"),
        N_("An agreement under art. 28, for example the municipalities' common template."),
    ),
    StandardMeasure(
        "audit_rights",
        CONTRACT,
        N_("Audit rights and audit statements"),
        N_("The municipality supervises the processor through audit statements or inspection."),
    ),
    StandardMeasure(
        "internal_guidelines",
        ORG,
        N_("Internal guidelines"),
        N_("Written rules for how staff use the system."),
        relies_on_users=True,
    ),
    StandardMeasure(
        "training",
        ORG,
        N_("Training"),
        N_("Staff are trained before they use the system, and again when it changes."),
        relies_on_users=True,
    ),
    StandardMeasure(
        "no_personal_data_rule",
        ORG,
        N_("Rule: enter no personal data"),
        N_("Users are told not to enter personal data; nothing in the system stops them."),
        relies_on_users=True,
    ),
    StandardMeasure(
        "human_review",
        ORG,
        N_("Human review before use"),
        N_("A caseworker checks every AI draft before it is used or sent."),
        relies_on_users=True,
    ),
    StandardMeasure(
        "citizen_information",
        ORG,
        N_("Information to citizens"),
        N_("Citizens are told how the system processes their data and what it is used for."),
    ),
)


def sync_measures(session: Session) -> int:
    """Add the shipped measures that are missing (by key); measures users have changed are left alone."""
    existing = set(session.scalars(select(Measure.key).where(Measure.key.is_not(None))))
    added = 0
    for m in STANDARD_MEASURES:
        if m.key not in existing:
            session.add(
                Measure(
                    key=m.key,
                    name=m.name,
                    description=m.description,
                    kind=m.kind,
                    relies_on_users=m.relies_on_users,
                )
            )
            added += 1
    session.flush()
    return added
