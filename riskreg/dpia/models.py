"""DPIAs, their risks, the measures library, dismissed suggestions and decisions (domain §5–§6)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from riskreg.auth.models import User
from riskreg.bodies.models import ApprovalBody
from riskreg.db import Base, Timestamped, enum_type, intpk, text, utcnow
from riskreg.dpia import scoring
from riskreg.enums import DecisionOutcome, DpiaState, MeasureKind, RiskLevel
from riskreg.systems.models import System

risk_measure = Table(
    "dpia_risk_measure",
    Base.metadata,
    Column("risk_id", ForeignKey("dpia_risk.id", ondelete="CASCADE"), primary_key=True),
    Column("measure_id", ForeignKey("measure.id"), primary_key=True),
)


class Measure(Timestamped, Base):
    """A measure in the library; shipped ones have a ``key`` and message ids as name and description."""

    __tablename__ = "measure"

    id: Mapped[intpk]
    key: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[text]
    kind: Mapped[MeasureKind] = mapped_column(enum_type(MeasureKind))
    # The measure works only if users remember a rule (the Canva lesson): it cannot carry a reduction alone.
    relies_on_users: Mapped[bool] = mapped_column(default=False, server_default="0")
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")

    @property
    def is_standard(self) -> bool:
        return self.key is not None

    def __str__(self) -> str:
        return self.name


class Dpia(Timestamped, Base):
    """One version of a system's DPIA (*konsekvensanalyse*); a submitted version is frozen."""

    __tablename__ = "dpia"
    __table_args__ = (UniqueConstraint("system_id", "number"),)

    id: Mapped[intpk]
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[DpiaState] = mapped_column(enum_type(DpiaState), default=DpiaState.DRAFT, index=True)
    # Screening: the WP248 criteria met and the kinds on Datatilsynet's list (values of the enums).
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    listed: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[text]  # art. 35(7)(a) systematic description
    necessity: Mapped[text]  # art. 35(7)(b) necessity and proportionality
    subject_views: Mapped[text]  # art. 35(9) views of data subjects or their representatives
    dpo_opinion: Mapped[text]
    # What the DPO proposes the bodies decide; shown on the agenda.
    proposal: Mapped[text]
    # The body the case is before while in review (the deciding body once decided) and its meeting date.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("approval_body.id"), index=True)
    meeting_on: Mapped[dt.date | None] = mapped_column(index=True)
    submitted_at: Mapped[dt.datetime | None]

    system: Mapped[System] = relationship()
    body: Mapped[ApprovalBody | None] = relationship()
    risks: Mapped[list[Risk]] = relationship(
        back_populates="dpia", cascade="all, delete-orphan", order_by="Risk.position, Risk.id"
    )
    decisions: Mapped[list[Decision]] = relationship(back_populates="dpia", order_by="Decision.id")

    # A risk taken out of a draft leaves its title in the DPIA's history.
    __audit_collections__ = {"risks": "title"}

    @property
    def is_frozen(self) -> bool:
        return self.state != DpiaState.DRAFT

    @property
    def residual_level(self) -> RiskLevel:
        """The highest residual level of its risks (low when it has none)."""
        return scoring.highest((r.residual_l, r.residual_c) for r in self.risks)

    @property
    def inherent_level(self) -> RiskLevel:
        return scoring.highest((r.inherent_likelihood, r.inherent_consequence) for r in self.risks)

    @property
    def needs_prior_consultation(self) -> bool:
        """Art. 36: a high residual risk remains, so the supervisory authority must be consulted first."""
        return bool(self.risks) and self.residual_level.rank >= scoring.PRIOR_CONSULTATION_FROM.rank

    def __str__(self) -> str:
        return f"{self.system.name} v{self.number}" if self.system else f"DPIA v{self.number}"


SCALED = ("inherent_likelihood", "inherent_consequence", "residual_likelihood", "residual_consequence")


class Risk(Timestamped, Base):
    """A threat to the data subjects, scored before (inherent) and after (residual) its measures."""

    __tablename__ = "dpia_risk"
    __table_args__ = tuple(CheckConstraint(f"{col} BETWEEN 1 AND 4", name=col) for col in SCALED)

    id: Mapped[intpk]
    dpia_id: Mapped[int] = mapped_column(ForeignKey("dpia.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))  # the threat or scenario
    description: Mapped[text]
    rights: Mapped[text]  # the rights and freedoms affected
    inherent_likelihood: Mapped[int]
    inherent_consequence: Mapped[int]
    # Not set: the measures are not yet assessed, and the residual equals the inherent risk.
    residual_likelihood: Mapped[int | None]
    residual_consequence: Mapped[int | None]
    residual_reason: Mapped[text]
    owner: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The suggestion it was accepted from, so the suggestion is not offered again.
    suggestion_key: Mapped[str | None] = mapped_column(String(300))

    dpia: Mapped[Dpia] = relationship(back_populates="risks")
    measures: Mapped[list[Measure]] = relationship(secondary=risk_measure, order_by=Measure.name)

    __audit_collections__ = {"measures": "name"}

    @property
    def residual_l(self) -> int:
        return self.residual_likelihood or self.inherent_likelihood

    @property
    def residual_c(self) -> int:
        return self.residual_consequence or self.inherent_consequence

    @property
    def inherent_score(self) -> int:
        return scoring.score(self.inherent_likelihood, self.inherent_consequence)

    @property
    def residual_score(self) -> int:
        return scoring.score(self.residual_l, self.residual_c)

    @property
    def inherent_level(self) -> RiskLevel:
        return scoring.level(self.inherent_likelihood, self.inherent_consequence)

    @property
    def residual_level(self) -> RiskLevel:
        return scoring.level(self.residual_l, self.residual_c)

    @property
    def flag(self) -> scoring.ReductionFlag | None:
        """Why the reduction from inherent to residual cannot be relied on, if it cannot."""
        return scoring.reduction_flag(
            self.inherent_score, self.residual_score, [(m.kind, m.relies_on_users) for m in self.measures]
        )

    def __str__(self) -> str:
        return self.title


class SuggestionDismissal(Base):
    """A suggested risk the DPO dismissed; it stays dismissed when the facts are evaluated again."""

    __tablename__ = "dpia_suggestion_dismissal"
    __table_args__ = (UniqueConstraint("system_id", "key"),)
    __audited__ = True

    id: Mapped[intpk]
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))  # as shown when dismissed, for the record
    reason: Mapped[text]
    dismissed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __str__(self) -> str:
        return self.title


class Decision(Timestamped, Base):
    """A body's decision on a submitted DPIA version; decisions are never changed, a later one follows."""

    __tablename__ = "decision"

    id: Mapped[intpk]
    dpia_id: Mapped[int] = mapped_column(ForeignKey("dpia.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("approval_body.id"), index=True)
    meeting_on: Mapped[dt.date] = mapped_column(index=True)
    case_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_type(DecisionOutcome))
    conditions: Mapped[text]
    residual_accepted: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The residual level when the decision was made (the DPIA may get new versions later).
    residual_level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel))
    rationale: Mapped[text]
    alternative: Mapped[text]  # an alternative system offered, as the minutes word it
    # The alternative when it is a system in the register (Adobe Creative Cloud for CapCut Pro).
    alternative_system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"))
    # Postponed: the meeting it is postponed to; escalated: the next body's meeting, if known.
    next_meeting_on: Mapped[dt.date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The decision closed the case (approved, rejected at the last body, withdrawn); a rejection before the
    # last body sends it on. Stored, because decisions recorded under the old rules keep their meaning.
    closes_case: Mapped[bool] = mapped_column(default=False, server_default="0")
    # A correction names the decision recorded by mistake that it replaces; that one stays, struck through.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), unique=True)
    correction_reason: Mapped[text]

    dpia: Mapped[Dpia] = relationship(back_populates="decisions")
    body: Mapped[ApprovalBody] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    alternative_system: Mapped[System | None] = relationship(foreign_keys=[alternative_system_id])
    corrects: Mapped[Decision | None] = relationship(
        remote_side="Decision.id", back_populates="corrected_by", foreign_keys=[corrects_id]
    )
    corrected_by: Mapped[Decision | None] = relationship(back_populates="corrects", uselist=False)

    @property
    def is_corrected(self) -> bool:
        return self.corrected_by is not None

    def __str__(self) -> str:
        return f"{self.body.name if self.body else ''} {self.meeting_on}".strip()


#: The cases an agenda item carries. A link table, not an ``agenda_item_id`` on the DPIA: the same DPIA
#: version is on one item at each body it goes before (and again when a body postpones it to a later meeting).
agenda_item_case = Table(
    "agenda_item_case",
    Base.metadata,
    Column("agenda_item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("dpia_id", ForeignKey("dpia.id"), primary_key=True, index=True),
)


class AgendaItem(Timestamped, Base):
    """An item (*dagsordenspunkt*) on a body's meeting: one journal number, one decision for all its cases."""

    __tablename__ = "agenda_item"

    id: Mapped[intpk]
    body_id: Mapped[int] = mapped_column(ForeignKey("approval_body.id"), index=True)
    meeting_on: Mapped[dt.date] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=1)  # its number on the agenda
    title: Mapped[str] = mapped_column(String(300))
    journal_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    summary: Mapped[text]  # *sagsfremstilling*
    recommendation: Mapped[text]  # *indstilling*

    body: Mapped[ApprovalBody] = relationship()
    cases: Mapped[list[Dpia]] = relationship(secondary=agenda_item_case, order_by=Dpia.id)

    # Cases put on or taken off show in the item's history by their DPIA id.
    __audit_collections__ = {"cases": "id"}

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"
