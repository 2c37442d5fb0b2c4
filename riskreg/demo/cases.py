"""Load the demo register: the approval bodies, departments, the three real cases of domain §2 and their
alternatives, and a handful of ordinary approved systems with invented Danish vendors.

Idempotent: every body, department, vendor, system and sub-processor is looked up by name first and only added
when missing. A vendor's audit statements and supervision plan are added together with the vendor, and a
system's agreement together with the system, so a second run adds nothing. Records go through the ORM, so the
audit log names the actor the caller has set (``riskreg demo``).

The three cases then get their DPIAs and decisions through the DPIA services (``riskreg.demo.dpias``).

Two systems show the findings of a vendor's role (``riskreg.vendors.roles``): ChatGPT's free version, whose
provider is an independent controller that also uses what users enter to train its models (the executive
board's minutes of 12 November 2025: "we cannot enter into data processing agreements with the providers"),
and an invented meeting and consultation portal whose processor's agreement was never returned signed.

TikTok is the earlier rejected system the minutes mention ("rejected for the same reason as CapCut"): its
vendor is ByteDance's TikTok entity with the same parent as CapCut's vendor, ByteDance Ltd. in China, so
CapCut Pro shows it as a precedent. The minutes give no facts or dates for it: its purpose, data and journal
number are assumed, and so are its decisions and their dates (``riskreg.demo.dpias.TIKTOK_CASE``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.bodies.models import ApprovalBody
from riskreg.demo.dpias import load_dpias
from riskreg.enums import (
    AiActClass,
    AuditStatementType,
    DataCategory,
    DataSubject,
    DpfStatus,
    LegalBasis,
    LocationKind,
    RiskLevel,
    SubjectVolume,
    SupervisionMethod,
    SystemStatus,
    TransferMechanism,
    VendorRole,
)
from riskreg.systems.models import Department, System
from riskreg.vendors.models import (
    AuditStatement,
    DataProcessingAgreement,
    ProcessingLocation,
    SubProcessor,
    Supervision,
    Vendor,
)

M = TypeVar("M")

KL_TEMPLATE = "KL/KOMBIT fælles databehandleraftale"
FICTIONAL = "Fiktiv leverandør (demodata)."
SCHOOL_BASIS = "Databeskyttelsesforordningens art. 6, stk. 1, litra e (undervisning efter folkeskoleloven)"

#: (name, position, residual ceiling, description); the last body decides finally.
BODIES = (
    (
        "Systemgodkendelsesgruppen",
        1,
        RiskLevel.MEDIUM,
        "Første behandling af nye systemer og væsentlige ændringer.",
    ),
    ("Styregruppen for IT-sikkerhed", 2, RiskLevel.HIGH, "Behandler sager, hvor restrisikoen er høj."),
    ("Direktionen", 3, RiskLevel.VERY_HIGH, "Endelig beslutning; kan acceptere meget høj restrisiko."),
)

DEPARTMENTS = (
    "Børne- og Ungeforvaltningen",
    "Beskæftigelsesforvaltningen",
    "Kultur og Fritid",
    "Økonomi og Personale",
    "Teknik og Miljø",
    "Social og Sundhed",
)
BUF, BEF, KUF, OEP, TEM, SOS = DEPARTMENTS


@dataclass
class DemoSummary:
    """What a run added, by kind, and the names of the vendors and systems it added."""

    added: Counter[str] = field(default_factory=Counter)
    names: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.added


def locations(processing: tuple[str, ...] = (), support: tuple[str, ...] = ()) -> list[ProcessingLocation]:
    return [ProcessingLocation(country_code=c, kind=LocationKind.PROCESSING) for c in processing] + [
        ProcessingLocation(country_code=c, kind=LocationKind.SUPPORT) for c in support
    ]


class _Loader:
    """Adds what is missing, remembers what it added."""

    def __init__(self, session: Session, today: dt.date) -> None:
        self.session = session
        self.today = today
        self.summary = DemoSummary()
        self.departments: dict[str, Department] = {}

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)

    def ensure(self, model: type[M], lookup: dict[str, Any], **values: Any) -> tuple[M, bool]:
        """The record matching ``lookup``, or a new one with ``lookup`` and ``values``; True when new."""
        found = self.session.scalars(select(model).filter_by(**lookup)).first()
        if found is not None:
            return found, False
        obj = model(**lookup, **values)
        self.session.add(obj)
        self.summary.added[model.__tablename__] += 1  # type: ignore[attr-defined]
        return obj, True

    def depts(self, *names: str) -> list[Department]:
        return [self.departments[n] for n in names]

    def vendor(
        self,
        name: str,
        *,
        agreement: dict[str, Any] | None = None,
        statements: tuple[dict[str, Any], ...] = (),
        supervision: dict[str, Any] | None = None,
        **values: Any,
    ) -> Vendor:
        vendor, new = self.ensure(Vendor, {"name": name}, **values)
        if not new:
            return vendor
        self.summary.names.append(f"vendor {name}")
        # Added with the vendor only, so that a second run does not add them again.
        if agreement is not None:
            self.session.add(DataProcessingAgreement(vendor=vendor, **agreement))
            self.summary.added["data_processing_agreement"] += 1
        for statement in statements:
            self.session.add(AuditStatement(vendor=vendor, **statement))
            self.summary.added["audit_statement"] += 1
        if supervision is not None:
            self.session.add(Supervision(vendor=vendor, **supervision))
            self.summary.added["supervision"] += 1
        return vendor

    def system(
        self, name: str, vendor: Vendor, agreement: dict[str, Any] | None = None, **values: Any
    ) -> System:
        system, new = self.ensure(System, {"name": name}, vendor=vendor, **values)
        if new:
            self.summary.names.append(f"system {name} ({system.status.value})")
            if agreement is not None:
                self.session.add(DataProcessingAgreement(vendor=vendor, system=system, **agreement))
                self.summary.added["data_processing_agreement"] += 1
        return system

    def sub_processor(self, name: str, vendor: Vendor, **values: Any) -> SubProcessor:
        sp, _new = self.ensure(SubProcessor, {"name": name, "vendor": vendor}, **values)
        return sp

    def statement(self, received_days_ago: int, remarks: str, kind: AuditStatementType) -> dict[str, Any]:
        received = self.days(-received_days_ago)
        return {
            "type": kind,
            "period_start": received - dt.timedelta(days=425),
            "period_end": received - dt.timedelta(days=60),
            "received_on": received,
            "remarks": remarks,
        }

    def plan(
        self, method: SupervisionMethod, last_days_ago: int, next_in_days: int, outcome: str
    ) -> dict[str, Any]:
        months = 24 if method == SupervisionMethod.QUESTIONNAIRE else 12
        return {
            "method": method,
            "frequency_months": months,
            "last_on": self.days(-last_days_ago),
            "next_on": self.days(next_in_days),
            "outcome": outcome,
        }


def load_cases(session: Session, today: dt.date | None = None) -> DemoSummary:
    """Add whatever of the demo register is missing and commit; return what was added."""
    loader = _Loader(session, today or dt.date.today())
    _bodies(loader)
    for name in DEPARTMENTS:
        loader.departments[name], _new = loader.ensure(Department, {"name": name})
    _tiktok(loader)
    _capcut(loader)
    _canva(loader)
    _momentum(loader)
    _ordinary(loader)
    _roles(loader)
    session.commit()
    # After the commit: the DPIAs start from the register's stored facts and commit step by step.
    added, notes = load_dpias(session)
    loader.summary.added += added
    loader.summary.names += notes
    return loader.summary


def _bodies(loader: _Loader) -> None:
    for name, position, ceiling, description in BODIES:
        loader.ensure(
            ApprovalBody, {"name": name}, position=position, residual_ceiling=ceiling, description=description
        )


def _tiktok(loader: _Loader) -> None:
    """The earlier rejected system: owned by ByteDance Ltd. (China), as CapCut Pro is; facts assumed."""
    tiktok = loader.vendor(
        "TikTok Technology Limited",
        country_code="IE",
        parent_name="ByteDance Ltd.",
        parent_country_code="CN",
        website="https://www.tiktok.com",
        contact="Henvendelser via leverandørens supportformular.",
        transfer_mechanism=TransferMechanism.UNKNOWN,
        dpf_status=DpfStatus.NOT_LISTED,
        notes=(
            "ByteDance' TikTok-enhed. Behandlingslande er ikke registreret: afvisningen hviler på ejerens "
            "jurisdiktion (kinesisk sikkerhedslovgivning), ikke på hvor data opbevares."
        ),
    )
    loader.system(
        "TikTok",
        tiktok,
        departments=loader.depts(KUF),
        system_owner="Kommunikationschef, Økonomi og Personale",
        purpose="Kommunens egen profil på TikTok til kommunikation med unge borgere.",
        legal_bases=[LegalBasis.ART6_E],
        data_subjects=[DataSubject.CITIZENS, DataSubject.EMPLOYEES],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_10000,
        retention="Ukendt: leverandøren har ikke oplyst sletteregler.",
        # In assessment until its DPIA is decided (riskreg.demo.dpias): the status comes from the decisions.
        status=SystemStatus.IN_ASSESSMENT,
        journal_number="85.15.02G01-20-25",
    )


def _capcut(loader: _Loader) -> None:
    """Case 1: the owner's jurisdiction (China) is the risk, wherever the data is stored."""
    bytedance = loader.vendor(
        "ByteDance",
        # Contracting entity and processing countries were not disclosed: no country, no locations.
        country_code=None,
        parent_name="ByteDance Ltd.",
        parent_country_code="CN",
        website="https://www.capcut.com",
        contact="Ingen dansk kontaktperson; henvendelser via leverandørens supportformular.",
        transfer_mechanism=TransferMechanism.UNKNOWN,
        dpf_status=DpfStatus.NOT_LISTED,
        dpf_checked_on=loader.days(-40),
        notes=(
            "Kontraherende enhed og behandlingslande er ikke oplyst. Ejeren er underlagt kinesisk "
            "sikkerhedslovgivning (National Intelligence Law art. 7) - samme begrundelse som ved afvisningen "
            "af TikTok."
        ),
    )
    loader.system(
        "CapCut Pro",
        bytedance,
        departments=loader.depts(BUF, KUF),
        system_owner="Pædagogisk IT-konsulent, Børne- og Ungeforvaltningen",
        purpose=(
            "Videoredigering i undervisningen og i kommunens kommunikation: elever og medarbejdere klipper "
            "video med tekst, lyd og effekter."
        ),
        legal_bases=[LegalBasis.ART6_E],
        legal_basis_note=SCHOOL_BASIS,
        data_subjects=[DataSubject.CHILDREN, DataSubject.EMPLOYEES],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_10000,
        retention="Ukendt: leverandøren har ikke oplyst sletteregler.",
        has_free_text=True,
        free_text_note="Elever indtaler og skriver tekst i videoerne; billeder og stemmer af elever indgår.",
        has_ai=True,
        ai_description="Automatiske undertekster (talegenkendelse) og AI-effekter på billeder og video.",
        ai_act_class=AiActClass.TRANSPARENCY,
        # In assessment until its DPIA is decided (riskreg.demo.dpias): the status comes from the decisions.
        status=SystemStatus.IN_ASSESSMENT,
        journal_number="85.15.02G01-11-26",
    )
    adobe = loader.vendor(
        "Adobe",
        country_code="IE",
        parent_name="Adobe Inc.",
        parent_country_code="US",
        website="https://www.adobe.com",
        contact="Adobe Systems Software Ireland Ltd, privacy team (via kundeportalen)",
        transfer_mechanism=TransferMechanism.DPF,
        dpf_status=DpfStatus.ACTIVE,
        dpf_listed_name="Adobe Inc.",
        dpf_checked_on=loader.days(-30),
        locations=locations(processing=("IE", "NL", "US")),
        notes="Kontraherende enhed: Adobe Systems Software Ireland Ltd. Alternativ til CapCut Pro.",
        statements=(loader.statement(90, "Ingen væsentlige afvigelser.", AuditStatementType.SOC2_T2),),
        supervision=loader.plan(
            SupervisionMethod.AUDIT_STATEMENT, 60, 305, "SOC 2-erklæring gennemgået uden bemærkninger."
        ),
    )
    loader.system(
        "Adobe Creative Cloud",
        adobe,
        departments=loader.depts(BUF, KUF),
        system_owner="Pædagogisk IT-konsulent, Børne- og Ungeforvaltningen",
        purpose="Video og grafisk design i undervisning og kommunikation (alternativ til CapCut Pro).",
        legal_bases=[LegalBasis.ART6_E],
        legal_basis_note=SCHOOL_BASIS,
        data_subjects=[DataSubject.CHILDREN, DataSubject.EMPLOYEES],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_10000,
        retention="Elevkonti og filer slettes 30 dage efter skoleårets afslutning.",
        status=SystemStatus.APPROVED,
        journal_number="85.15.02G01-13-26",
        agreement={
            "signed_on": loader.days(-60),
            "agreement_version": "2024",
            "template": "Adobe Data Processing Agreement",
            "scc_modules": [2, 3],
        },
        next_review_on=loader.days(300),
    )


def _canva(loader: _Loader) -> None:
    """Case 2: third-country sub-processors without a basis; the only measure relies on users remembering."""
    skoletube = loader.vendor(
        "SkoleTube",
        country_code="DK",
        website="https://www.skoletube.dk",
        contact="Support via skoletube.dk",
        transfer_mechanism=TransferMechanism.NONE,
        dpf_status=DpfStatus.NOT_LISTED,
        locations=locations(processing=("DK",)),
        notes="Dansk skoleportal, der formidler adgang til tredjepartsværktøjer for elever og lærere.",
        agreement={
            "signed_on": dt.date(2025, 8, 1),
            "agreement_version": "3.0",
            "template": "SkoleTubes standarddatabehandleraftale",
        },
        supervision=loader.plan(
            SupervisionMethod.QUESTIONNAIRE,
            200,
            530,
            "Spørgeskema besvaret; sletning hos underdatabehandlere kunne ikke bekræftes.",
        ),
    )
    canva_system = loader.system(
        "Canva via SkoleTube",
        skoletube,
        departments=loader.depts(BUF),
        system_owner="Skolechef, Børne- og Ungeforvaltningen",
        purpose="Designværktøj til elever (plakater, præsentationer, grafik) via skoleportalen SkoleTube.",
        legal_bases=[LegalBasis.ART6_E],
        legal_basis_note=SCHOOL_BASIS,
        data_subjects=[DataSubject.CHILDREN],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_10000,
        retention="Sletning kunne ikke bekræftes af leverandøren.",
        has_free_text=True,
        free_text_note=(
            "Eleverne skriver frit i designs og kommentarer. Eneste tiltag er organisatorisk: brugerne skal "
            "huske ikke at indtaste personoplysninger. Leverandørens risikovurdering ser bort fra brugerfejl."
        ),
        # In assessment until its DPIA is decided (riskreg.demo.dpias): the status comes from the decisions.
        status=SystemStatus.IN_ASSESSMENT,
        journal_number="85.15.02G01-12-26",
    )
    source = "SkoleTubes liste over underdatabehandlere (bilag til databehandleraftalen)"
    canva = loader.sub_processor(
        "Canva Pty Ltd",
        skoletube,
        service="Designplatformen Canva for Education",
        country_code="AU",
        parent_company="Canva Pty Ltd",
        parent_country_code="AU",
        transfer_mechanism=TransferMechanism.NONE,
        dpf_status=DpfStatus.NOT_LISTED,
        source=source,
        source_on=dt.date(2026, 4, 15),
        locations=locations(processing=("AU",)),
        systems=[canva_system],
    )
    chain = (
        ("Philippines support and operations entity", "Kundesupport og drift", "PH", "Canva Pty Ltd", "AU"),
        ("US content delivery provider", "Levering af indhold (CDN)", "US", "", None),
        ("US analytics provider", "Brugsanalyse", "US", "", None),
    )
    for name, service, country, parent, parent_country in chain:
        loader.sub_processor(
            name,
            skoletube,
            parent=canva,
            service=service,
            country_code=country,
            parent_company=parent,
            parent_country_code=parent_country,
            transfer_mechanism=TransferMechanism.NONE,
            dpf_status=DpfStatus.NOT_LISTED,
            source=source,
            source_on=dt.date(2026, 4, 15),
            locations=locations(processing=(country,)),
            systems=[canva_system],
        )
    canva_vendor = loader.vendor(
        "Canva",
        country_code="AU",
        parent_name="Canva Pty Ltd",
        parent_country_code="AU",
        website="https://www.canva.com",
        contact="Canva privacy team (privacy@canva.com)",
        transfer_mechanism=TransferMechanism.SCC,
        tia_on=dt.date(2026, 6, 1),
        dpf_status=DpfStatus.NOT_LISTED,
        dpf_checked_on=dt.date(2026, 6, 1),
        locations=locations(processing=("AU", "US")),
        notes="Direkte aftale om Canva Teams til medarbejdere; alternativ til Canva via SkoleTube.",
        supervision=loader.plan(SupervisionMethod.QUESTIONNAIRE, 120, 610, "Første spørgeskema besvaret."),
    )
    loader.system(
        "Canva Teams (medarbejdere)",
        canva_vendor,
        departments=loader.depts(KUF, OEP),
        system_owner="Kommunikationschef, Økonomi og Personale",
        purpose="Design af kommunikationsmaterialer for medarbejdere; ingen elever og ingen borgerdata.",
        legal_bases=[LegalBasis.ART6_E],
        legal_basis_note="Vilkår: kun medarbejdere med arbejds-e-mail; ingen borgeres eller elevers data.",
        data_subjects=[DataSubject.EMPLOYEES],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_1000,
        retention="Konti slettes ved fratrædelse; designs efter 12 måneders inaktivitet.",
        status=SystemStatus.APPROVED_WITH_CONDITIONS,
        journal_number="85.15.02G01-15-26",
        agreement={
            "signed_on": dt.date(2026, 6, 20),
            "agreement_version": "2026-03",
            "template": "Canva Data Processing Addendum",
            "scc_modules": [2, 3],
        },
        next_review_on=loader.days(180),
    )


def _momentum(loader: _Loader) -> None:
    """Case 3: an AI assistant in a case system, with Microsoft (USA) as sub-processor."""
    vendor = loader.vendor(
        "Momentum-leverandøren",
        # An invented org number: it fails the CVR modulus-11 check, so no real company has it.
        org_number="39501001",
        country_code="DK",
        website="https://momentum-leverandoren.example.dk",
        contact="Kundeservice, momentum-support@example.dk, tlf. 70 00 00 00",
        transfer_mechanism=TransferMechanism.NONE,
        dpf_status=DpfStatus.NOT_LISTED,
        locations=locations(processing=("DK",)),
        notes="Neutralt navn for leverandøren af Momentum, beskæftigelsesindsatsens sagsbehandlingssystem.",
        agreement={"signed_on": dt.date(2024, 3, 1), "agreement_version": "2.1", "template": KL_TEMPLATE},
        statements=(loader.statement(70, "ISAE 3000 uden forbehold.", AuditStatementType.ISAE3000),),
        supervision=loader.plan(SupervisionMethod.AUDIT_STATEMENT, 60, 305, "Erklæring gennemgået."),
    )
    common: dict[str, Any] = {
        "vendor": vendor,
        "departments": loader.depts(BEF),
        "system_owner": "Jobcenterchef, Beskæftigelsesforvaltningen",
        "data_subjects": [DataSubject.CITIZENS, DataSubject.VULNERABLE],
        "data_categories": [
            DataCategory.ORDINARY,
            DataCategory.CPR,
            DataCategory.SPECIAL_ART9,
            DataCategory.FINANCIAL,
        ],
        "subject_volume": SubjectVolume.UNDER_100000,
    }
    loader.system(
        "Momentum",
        purpose="Sagsbehandling i beskæftigelsesindsatsen (jobcenter): samtaler, planer, tilbud og ydelser.",
        legal_bases=[LegalBasis.ART6_C, LegalBasis.ART6_E, LegalBasis.ART9_2, LegalBasis.NATIONAL_LAW],
        legal_basis_note="Lov om en aktiv beskæftigelsesindsats; retssikkerhedsloven",
        retention="Efter arkivlovens regler og kommunens bevaringsplan.",
        status=SystemStatus.APPROVED,
        journal_number="85.15.02G01-04-24",
        next_review_on=loader.days(120),
        **common,
    )
    ai = loader.system(
        "Momentum – AI-tekstassistent",
        purpose=(
            "AI-assistent i Momentum, der udarbejder udkast til journalnotater, breve og opsummeringer i "
            "beskæftigelsessager; sagsbehandleren gennemgår og retter altid teksten."
        ),
        legal_bases=[LegalBasis.NATIONAL_LAW, LegalBasis.ART6_E, LegalBasis.ART9_2],
        legal_basis_note="bekendtgørelse nr. 101/2026 (AI tilladt fra 1. februar 2026)",
        retention="Udkast slettes efter 30 dage; journaliserede tekster efter arkivlovens regler.",
        has_free_text=True,
        free_text_note="Sagsbehandlere skriver frie instruktioner (prompts) med oplysninger fra sagen.",
        has_ai=True,
        ai_description=(
            "Udarbejder udkast til tekster (journalnotater, breve til borgere, opsummeringer af sagsakter) "
            "med en sprogmodel hos underdatabehandleren Microsoft. Output må ikke bruges som "
            "beslutningsgrundlag, men risikoen for brug som beslutningsstøtte eller til automatiske "
            "afgørelser er noteret i konsekvensanalysen."
        ),
        ai_output_in_decisions=False,
        ai_act_class=AiActClass.HIGH_RISK,
        ai_annex_iii_area="employment / access to public benefits (Annex III, points 4 and 5(a))",
        # In assessment until its DPIA is decided (riskreg.demo.dpias): the status comes from the decisions.
        status=SystemStatus.IN_ASSESSMENT,
        journal_number="85.15.02G01-14-26",
        **common,
    )
    loader.sub_processor(
        "Microsoft Ireland Operations Ltd",
        vendor,
        service="Cloud-hosting og sprogmodel (AI-tekstassistenten)",
        country_code="IE",
        parent_company="Microsoft Corporation",
        parent_country_code="US",
        transfer_mechanism=TransferMechanism.DPF,
        dpf_status=DpfStatus.ACTIVE,
        tia_on=dt.date(2026, 3, 10),
        source="Microsoft Products and Services DPA / EU Data Boundary documentation",
        source_on=dt.date(2026, 1, 15),
        locations=locations(processing=("IE", "NL"), support=("US",)),
        systems=[ai],
    )


#: Invented vendors (names, org numbers and addresses are made up; the org numbers fail the CVR check).
ORDINARY: tuple[dict[str, Any], ...] = (
    {
        "vendor": "Fjordsoft ApS",
        "org": "39501002",
        "processing": ("DK",),
        "sub": ("Nordisk Serverdrift A/S", "Hosting og drift", ("DK",)),
        "statement_days_ago": 45,
        "supervision": (SupervisionMethod.AUDIT_STATEMENT, 40, 325),
        "system": "Fjordsoft Vagtplan",
        "departments": (OEP, SOS),
        "purpose": "Vagtplanlægning, fravær og timeregistrering for medarbejdere i pleje og administration.",
        "bases": (LegalBasis.ART6_B, LegalBasis.ART6_C),
        "subjects": (DataSubject.EMPLOYEES,),
        "categories": (DataCategory.ORDINARY, DataCategory.CPR),
        "volume": SubjectVolume.UNDER_10000,
        "review": -20,  # overdue
    },
    {
        "vendor": "Skolebro ApS",
        "org": "39501003",
        "processing": ("DK",),
        "sub": ("Elbhafen Rechenzentrum GmbH", "Hosting (datacenter i Hamborg)", ("DE",)),
        "statement_days_ago": 120,
        "supervision": (SupervisionMethod.QUESTIONNAIRE, 150, 580),
        "system": "Skolebro Forældrekontakt",
        "departments": (BUF,),
        "purpose": "Beskeder, opslag og fraværsmeldinger mellem skole og hjem.",
        "bases": (LegalBasis.ART6_E,),
        "subjects": (DataSubject.CHILDREN, DataSubject.CITIZENS, DataSubject.EMPLOYEES),
        "categories": (DataCategory.ORDINARY, DataCategory.COMMUNICATION),
        "volume": SubjectVolume.UNDER_100000,
        "free_text": "Forældre og lærere skriver frie beskeder, der kan indeholde helbredsoplysninger.",
        "review": 14,  # due within 30 days
    },
    {
        "vendor": "Arkivium A/S",
        "org": "39501004",
        "processing": ("DK", "SE"),
        "sub": None,
        "statement_days_ago": 400,  # older than 12 months: a finding on the front page
        "supervision": (SupervisionMethod.AUDIT_STATEMENT, 400, 330),
        "system": "Arkivium ESDH",
        "departments": DEPARTMENTS,
        "purpose": "Elektronisk sags- og dokumenthåndtering (ESDH) for hele kommunen.",
        "bases": (LegalBasis.ART6_C, LegalBasis.ART6_E, LegalBasis.ART9_2, LegalBasis.ART10),
        "subjects": (DataSubject.CITIZENS, DataSubject.EMPLOYEES, DataSubject.VULNERABLE),
        "categories": (
            DataCategory.ORDINARY,
            DataCategory.CPR,
            DataCategory.SPECIAL_ART9,
            DataCategory.CRIMINAL_ART10,
        ),
        "volume": SubjectVolume.OVER_100000,
        "review": 200,
    },
    {
        "vendor": "Kontotal ApS",
        "org": "39501005",
        "processing": ("DK", "FI"),
        "sub": None,
        "statement_days_ago": 150,
        "supervision": (SupervisionMethod.AUDIT_STATEMENT, 410, -45),  # overdue
        "system": "Kontotal Økonomi",
        "departments": (OEP,),
        "purpose": "Økonomistyring, kreditorer og debitorer, herunder opkrævning hos borgere.",
        "bases": (LegalBasis.ART6_C, LegalBasis.ART6_E),
        "subjects": (DataSubject.CITIZENS, DataSubject.EMPLOYEES),
        "categories": (DataCategory.ORDINARY, DataCategory.CPR, DataCategory.FINANCIAL),
        "volume": SubjectVolume.UNDER_100000,
        "review": 150,
    },
    {
        "vendor": "Tidsrum Software ApS",
        "org": "39501006",
        "processing": ("NL",),
        "sub": None,
        "statement_days_ago": 200,
        "supervision": (SupervisionMethod.QUESTIONNAIRE, 200, 530),
        "system": "Tidsrum Booking",
        "departments": (KUF, TEM),
        "purpose": "Borgeres og foreningers booking af haller, mødelokaler og materiel.",
        "bases": (LegalBasis.ART6_B, LegalBasis.ART6_E),
        "subjects": (DataSubject.CITIZENS,),
        "categories": (DataCategory.ORDINARY, DataCategory.FINANCIAL),
        "volume": SubjectVolume.UNDER_10000,
        "review": 90,
    },
    {
        "vendor": "Omsorgsdata A/S",
        "org": "39501008",
        "processing": ("DK", "DE"),
        "sub": ("Nordisk Serverdrift A/S", "Backup", ("DK",)),
        "statement_days_ago": 100,
        "supervision": (SupervisionMethod.INSPECTION, 100, 265),
        "system": "Omsorgsdata Hjemmepleje",
        "departments": (SOS,),
        "purpose": "Planlægning og dokumentation af hjemmepleje og sygepleje, herunder ruteplanlægning.",
        "bases": (LegalBasis.ART6_E, LegalBasis.ART9_2, LegalBasis.NATIONAL_LAW),
        "note": "Serviceloven §§ 83 og 86; sundhedsloven § 138",
        "subjects": (DataSubject.CITIZENS, DataSubject.PATIENTS, DataSubject.VULNERABLE),
        "categories": (
            DataCategory.ORDINARY,
            DataCategory.CPR,
            DataCategory.SPECIAL_ART9,
            DataCategory.LOCATION,
        ),
        "volume": SubjectVolume.UNDER_10000,
        "review": 250,
    },
)


def _ordinary(loader: _Loader) -> None:
    for i, row in enumerate(ORDINARY, start=1):
        slug = row["vendor"].split()[0].lower()
        method, last_ago, next_in = row["supervision"]
        vendor = loader.vendor(
            row["vendor"],
            org_number=row["org"],
            country_code="DK",
            parent_country_code="DK",
            website=f"https://{slug}.example.dk",
            contact=f"Kundeansvarlig, kontakt@{slug}.example.dk",
            transfer_mechanism=TransferMechanism.NONE,
            dpf_status=DpfStatus.NOT_LISTED,
            locations=locations(processing=row["processing"]),
            notes=FICTIONAL,
            statements=(
                loader.statement(
                    row["statement_days_ago"], "ISAE 3000 uden forbehold.", AuditStatementType.ISAE3000
                ),
            ),
            supervision=loader.plan(
                method,
                last_ago,
                next_in,
                "Gennemgået uden væsentlige bemærkninger."
                if next_in > 0
                else "Ny erklæring er ikke modtaget.",
            ),
        )
        system = loader.system(
            row["system"],
            vendor,
            departments=loader.depts(*row["departments"]),
            system_owner=f"Systemejer, {row['departments'][0]}",
            purpose=row["purpose"],
            legal_bases=list(row["bases"]),
            legal_basis_note=row.get("note", ""),
            data_subjects=list(row["subjects"]),
            data_categories=list(row["categories"]),
            subject_volume=row["volume"],
            retention="Efter kommunens bevaringsplan; persondata slettes senest 5 år efter sagens ophør.",
            has_free_text="free_text" in row,
            free_text_note=row.get("free_text", ""),
            status=SystemStatus.APPROVED,
            journal_number=f"85.15.02G01-{i:02d}-25",
            agreement={
                "signed_on": loader.days(-400 - 90 * i),
                "agreement_version": "2.1",
                "template": KL_TEMPLATE,
            },
            next_review_on=loader.days(row["review"]),
        )
        if row["sub"] is not None:
            name, service, countries = row["sub"]
            loader.sub_processor(
                name,
                vendor,
                service=service,
                country_code=countries[0],
                transfer_mechanism=TransferMechanism.NONE,
                dpf_status=DpfStatus.NOT_LISTED,
                source=f"Bilag 3 til databehandleraftalen med {row['vendor']}",
                source_on=loader.days(-400 - 90 * i),
                locations=locations(processing=countries),
                systems=[system],
            )


def _roles(loader: _Loader) -> None:
    """A public generative-AI service (a disclosure) and a processor without a DPA (domain §3, roles)."""
    openai = loader.vendor(
        "OpenAI Ireland Limited",
        country_code="IE",
        parent_name="OpenAI OpCo, LLC",
        parent_country_code="US",
        website="https://openai.com/policies/eu-privacy-policy/",
        contact="Privatlivshenvendelser via privacy.openai.com",
        # The EEA privacy policy names standard contractual clauses for transfers to the United States.
        transfer_mechanism=TransferMechanism.SCC,
        locations=locations(processing=("US",)),
        role=VendorRole.INDEPENDENT_CONTROLLER,
        own_purpose_use=True,
        own_purpose_note=(
            "Indhold, som brugerne indtaster i den gratis udgave, kan bruges til at træne modellerne, "
            "medmindre brugeren selv fravælger det (OpenAIs privatlivspolitik for EØS)."
        ),
        notes=(
            "Udbyderen af ChatGPT i EØS er selv dataansvarlig og tilbyder ingen databehandleraftale for den "
            'gratis udgave. Direktionen, 12. november 2025: "vi kan ikke indgå databehandleraftaler med '
            'udbyderne".'
        ),
    )
    loader.system(
        "ChatGPT (gratis udgave)",
        openai,
        departments=loader.depts(OEP, KUF),
        system_owner="Digitaliseringschef, Økonomi og Personale",
        purpose=(
            "Medarbejderes brug af en offentlig generativ AI-tjeneste til tekstudkast og opsummeringer. "
            "Registreret for at blive vurderet: der må ikke indtastes personoplysninger om borgere."
        ),
        data_subjects=[DataSubject.EMPLOYEES],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_1000,
        retention="Efter udbyderens vilkår; kommunen har ingen indflydelse på sletningen.",
        has_free_text=True,
        free_text_note="Medarbejdere skriver frie prompts; oplysninger om borgere kan komme med ved en fejl.",
        has_ai=True,
        ai_description="Sprogmodel, der skriver tekstudkast ud fra medarbejderens prompt.",
        ai_act_class=AiActClass.TRANSPARENCY,
        status=SystemStatus.DRAFT,
        journal_number="85.15.02G01-16-26",
    )
    portal = loader.vendor(
        "Mødeportalen ApS",
        # An invented org number: it fails the CVR modulus-11 check, so no real company has it.
        org_number="39501009",
        country_code="DK",
        parent_country_code="DK",
        website="https://moedeportalen.example.dk",
        contact="Kundeansvarlig, kontakt@moedeportalen.example.dk",
        transfer_mechanism=TransferMechanism.NONE,
        dpf_status=DpfStatus.NOT_LISTED,
        locations=locations(processing=("DK",)),
        notes=(
            "Opdigtet leverandør (demodata). Databehandleraftalen blev sendt til underskrift, men er ikke "
            "kommet retur."
        ),
    )
    loader.system(
        "Mødeportalen Borgerhøringer",
        portal,
        departments=loader.depts(TEM),
        system_owner="Planchef, Teknik og Miljø",
        purpose="Digitale borgermøder og indsamling af høringssvar i plansager.",
        legal_bases=[LegalBasis.ART6_E],
        legal_basis_note="Planloven §§ 23 c og 24",
        data_subjects=[DataSubject.CITIZENS],
        data_categories=[DataCategory.ORDINARY],
        subject_volume=SubjectVolume.UNDER_10000,
        retention="Høringssvar journaliseres; portalen sletter dem 3 måneder efter høringsfristen.",
        has_free_text=True,
        free_text_note="Borgerne skriver frie høringssvar.",
        status=SystemStatus.APPROVED,
        journal_number="85.15.02G01-17-26",
        next_review_on=loader.days(240),
    )
