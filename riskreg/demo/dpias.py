"""The seed DPIAs of domain §2, built through the DPIA services as the DPO builds them on the pages.

Each case starts from the register (the prefilled description, the screening criteria the facts show, the
suggested risks), adds what the DPO wrote, is submitted to the first body and decided body by body as the
municipality's minutes record it:

- Systemgodkendelsesgruppen rejected all three systems. The minutes do not give the date: **assumed 23 April
  2026** (it must be before 7 May). Its statement on Canva said Styregruppen would re-evaluate it on
  17 December (``CANVA_REEVALUATION``, without a year, as the minutes say it).
- Styregruppen for IT-sikkerhed upheld the three rejections on 7 May 2026 and did not accept the residual
  risk.
- Direktionen took the three systems as one agenda item, "Afviste it-systemer" (85.15.02G01-11-26), on 3 June
  2026 and postponed it to its meeting of 17 June 2026. The outcome of that meeting is not known, so today the
  three systems are *postponed* before Direktionen.

TikTok, rejected earlier for the same reason as CapCut Pro, gets a DPIA and decisions too, so that CapCut Pro
shows it as a precedent. The minutes give neither its dates nor its bodies' words: **assumed** rejected by
Systemgodkendelsesgruppen on 13 February 2025, upheld by Styregruppen for IT-sikkerhed on 27 February 2025,
and rejected by Direktionen, finally, on 12 March 2025, because the owner is subject to Chinese security
legislation.

Idempotent: a system that already has a DPIA (from an earlier run, or one a user started) is left alone, and
Direktionen's item is made only for the cases built in the same run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from riskreg.auth.models import User
from riskreg.auth.passwords import generate_password
from riskreg.auth.services import create_user, find_user
from riskreg.bodies.models import ApprovalBody
from riskreg.dpia import agenda_items, approval, services
from riskreg.dpia.models import Dpia, Measure
from riskreg.enums import DecisionOutcome, ListedProcessing, Role, Wp248Criterion
from riskreg.systems.models import System

LANG = "da"
#: The demo's DPO records the decisions. Nobody knows its password (it is generated and never shown);
#: an administrator can set one to log in as the DPO.
DPO_EMAIL = "databeskyttelse@kommune.example.dk"
DPO_NAME = "Databeskyttelsesrådgiver (demo)"

SGG, STY, DIR = "Systemgodkendelsesgruppen", "Styregruppen for IT-sikkerhed", "Direktionen"
#: The meetings at which the three cases were decided (SGG_23_APRIL is assumed: see the module's docstring).
SGG_23_APRIL, STY_7_MAY, DIR_3_JUNE, DIR_17_JUNE = (
    dt.date(2026, 4, 23),
    dt.date(2026, 5, 7),
    dt.date(2026, 6, 3),
    dt.date(2026, 6, 17),
)
#: Direktionen's agenda item that carried the three systems, as its minutes name it.
DIR_ITEM = {
    "title": "Afviste it-systemer",
    "journal_number": "85.15.02G01-11-26",
    "summary": (
        "Systemgodkendelsesgruppen har afvist CapCut Pro, Canva via SkoleTube og AI-tekstassistenten i "
        "Momentum. Styregruppen for IT-sikkerhed har den 7. maj 2026 fastholdt afvisningerne og ikke "
        "accepteret restrisikoen. En afvisning i et organ, der ikke er det sidste, går automatisk videre til "
        "næste organ."
    ),
    "recommendation": "Det indstilles, at Direktionen fastholder afvisningen af de tre systemer.",
}
DIR_ITEM_DECISION = "Direktionen udsatte punktet til mødet den 17. juni 2026."

CAPCUT, CANVA, MOMENTUM_AI = "CapCut Pro", "Canva via SkoleTube", "Momentum – AI-tekstassistent"
TIKTOK = "TikTok"
#: TikTok's meetings (assumed: the minutes only say it was rejected earlier, for the same reason as CapCut).
TIKTOK_SGG, TIKTOK_STY, TIKTOK_DIR = dt.date(2025, 2, 13), dt.date(2025, 2, 27), dt.date(2025, 3, 12)


@dataclass(frozen=True)
class RiskSpec:
    """A risk as the DPO entered it: from the first pending suggestion of ``kind``, or by hand (no kind)."""

    values: dict[str, Any]
    measures: tuple[str, ...] = ()  # keys of shipped measures
    kind: str | None = None
    every: bool = False  # take every pending suggestion of the kind (one risk each), not only the first


@dataclass(frozen=True)
class DecisionSpec:
    body: str
    outcome: DecisionOutcome
    meeting_on: dt.date
    rationale: str
    next_meeting_on: dt.date | None = None
    alternative: str = ""
    alternative_system: str = ""  # the name of the alternative's system in the register, if it has one


@dataclass(frozen=True)
class CaseSpec:
    system: str
    sections: dict[str, str]
    risks: tuple[RiskSpec, ...]
    decisions: tuple[DecisionSpec, ...]
    description_addendum: str = ""
    #: WP248 criteria the DPO ticked beside those the facts show, and kinds on Datatilsynet's list.
    criteria: tuple[Wp248Criterion, ...] = ()
    listed: tuple[ListedProcessing, ...] = ()
    #: Suggestion kinds the DPO dismissed, with the reason.
    dismiss: dict[str, str] = field(default_factory=dict)


def risk(
    title: str,
    description: str,
    rights: str,
    inherent: tuple[int, int],
    residual: tuple[int, int] | None = None,
    reason: str = "",
    owner: str = "",
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": title,
        "description": description,
        "rights": rights,
        "inherent_likelihood": inherent[0],
        "inherent_consequence": inherent[1],
        "residual_reason": reason,
        "owner": owner,
    }
    if residual is not None:
        values["residual_likelihood"], values["residual_consequence"] = residual
    return values


# --- Case 3: the AI text assistant in Momentum --------------------------------------------------------------

MICROSOFT_RESIDUAL = (
    "Foranstaltningerne mindsker sandsynligheden, men fjerner ikke risikoen: Data Privacy Framework kan "
    "blive underkendt af EU-Domstolen, amerikanske myndigheder kan kræve data udleveret fra Microsoft "
    "Corporation, Microsofts support kan få adgang til data fra tredjelande, og Microsofts vilkår er "
    "uigennemsigtige, som tyske tilsynsmyndigheder har kritiseret. Restrisikoen er fortsat meget høj."
)
INCLUDED_IN_MICROSOFT = "Indgår i risikoen »Microsoft (USA) som underdatabehandler«."
JOBCENTER = "Jobcenterchef, Beskæftigelsesforvaltningen"

MOMENTUM = CaseSpec(
    system=MOMENTUM_AI,
    description_addendum=(
        "Behandlingen: Sagsbehandleren skriver en instruktion (prompt) i Momentum. Instruktionen og de "
        "sagsoplysninger, udkastet kræver, sendes til sprogmodellen, som Microsoft driver for leverandøren "
        "inden for EU Data Boundary. Udkastet vises i Momentum, hvor sagsbehandleren gennemgår, retter og "
        "selv journaliserer teksten. Instruktioner og udkast slettes efter 30 dage."
    ),
    listed=(ListedProcessing.INNOVATIVE_TECHNOLOGY,),
    sections={
        "necessity": (
            "Formålet er at frigøre sagsbehandlernes tid til samtaler med borgerne ved at lette "
            "skrivearbejdet. Behandlingen har hjemmel i bekendtgørelse nr. 101/2026, der fra 1. februar 2026 "
            "tillader brug af AI i beskæftigelsesindsatsen. Kun de oplysninger, udkastet kræver, sendes til "
            "sprogmodellen, og udkast slettes efter 30 dage. Opgaven kan løses uden assistenten, som i dag: "
            "behandlingen er en effektivisering, ikke en forudsætning for opgaven."
        ),
        "subject_views": (
            "Der er ikke indhentet synspunkter fra borgerne. Beskæftigelsesrådet er orienteret om projektet."
        ),
        "dpo_opinion": (
            "De fire første risici kan nedbringes til et acceptabelt niveau med retningslinjer, uddannelse, "
            "adgangsstyring og information til borgerne. Bemærk dog, at nedbringelsen af risikoen for fejl i "
            "udkast og for brug som beslutningsstøtte alene hviler på, at medarbejderne følger reglerne. "
            "Restrisikoen ved Microsoft (USA) som underdatabehandler er fortsat meget høj: Data Privacy "
            "Framework kan blive underkendt, amerikanske myndigheder kan kræve data udleveret, support kan "
            "få adgang fra tredjelande, og Microsofts vilkår er uigennemsigtige, som tyske "
            "tilsynsmyndigheder har kritiseret. Leverandørens foranstaltninger (sletteregler, "
            "DPF-certificering, EU Data Boundary, Customer Lockbox og kundeejede nøgler) mindsker risikoen, "
            "men fjerner den ikke. Godkendes behandlingen, skal Datatilsynet høres først (art. 36)."
        ),
        "proposal": (
            "Restrisikoen er meget høj og ligger over Systemgodkendelsesgruppens og Styregruppens mandat. "
            "Sagen forelægges Direktionen, der tager stilling til, om restrisikoen kan accepteres. "
            "Databeskyttelsesrådgiveren anbefaler, at den ikke accepteres."
        ),
    },
    risks=(
        RiskSpec(
            risk(
                "Fejl i AI-genererede udkast",
                "Sprogmodellen kan finde på eller forvrænge oplysninger, og fejlen kan ende i journalnotater "
                "eller breve til borgeren, hvis udkastet ikke rettes.",
                "Retten til korrekte oplysninger (art. 5, stk. 1, litra d, og art. 16); borgerens "
                "retssikkerhed i sagen.",
                (3, 3),
                (2, 3),
                "Sagsbehandleren skal gennemgå og rette hvert udkast, før det bruges (retningslinjer og "
                "uddannelse). Nedbringelsen hviler på, at medarbejderne følger reglen.",
                JOBCENTER,
            ),
            ("human_review", "internal_guidelines", "training"),
        ),
        RiskSpec(
            risk(
                "Brug som beslutningsstøtte eller til automatiske afgørelser",
                "Opsummeringer og udkast kan i praksis komme til at styre vurderingen af borgerens sag, "
                "eller output kan bruges direkte i afgørelser om ydelser og tilbud, selv om det ikke er "
                "tilladt.",
                "Art. 22 (automatiske afgørelser); retten til en individuel og forsvarlig sagsbehandling "
                "efter forvaltningsloven.",
                (2, 4),
                (1, 4),
                "Retningslinjerne forbyder, at output bruges som beslutningsgrundlag, og alle sagsbehandlere "
                "uddannes, før de får adgang.",
                JOBCENTER,
            ),
            ("internal_guidelines", "training", "human_review"),
            kind="ai",
        ),
        RiskSpec(
            risk(
                "Manglende information til borgerne",
                "Borgerne får ikke at vide, at en AI-assistent behandler deres oplysninger og skriver udkast "
                "i deres sag.",
                "Retten til information (art. 13 og 14); AI-forordningens krav om gennemsigtighed.",
                (3, 3),
                (1, 3),
                "Informationstekst på kommunens hjemmeside og i breve, der er skrevet med assistenten.",
                JOBCENTER,
            ),
            ("citizen_information",),
        ),
        RiskSpec(
            risk(
                "Medarbejdernes kompetencer og regelefterlevelse",
                "Sagsbehandlere skriver frie instruktioner (prompts) og kan medtage flere eller mere "
                "følsomme oplysninger end nødvendigt, fx helbredsoplysninger eller CPR-numre, eller bruge "
                "assistenten til opgaver, den ikke er godkendt til.",
                "Dataminimering (art. 5, stk. 1, litra c); beskyttelse af særlige kategorier (art. 9).",
                (3, 4),
                (2, 4),
                "Uddannelse og retningslinjer for instruktioner; kun uddannede sagsbehandlere får adgang, og "
                "brugen logges og kontrolleres ved stikprøver.",
                JOBCENTER,
            ),
            ("training", "internal_guidelines", "access_control"),
            kind="free_text",
        ),
        RiskSpec(
            risk(
                "Microsoft (USA) som underdatabehandler",
                "Sprogmodellen drives af Microsoft Ireland Operations Ltd, hvis moderselskab Microsoft "
                "Corporation er amerikansk. Supportadgang fra USA og moderselskabets forpligtelser over for "
                "amerikanske myndigheder hviler på Data Privacy Framework.",
                "Beskyttelse mod myndigheders adgang uden effektive retsmidler (art. 44 ff.; Chartrets art. "
                "7, 8 og 47).",
                (4, 4),
                (3, 4),
                MICROSOFT_RESIDUAL,
                "Informationssikkerhedschef",
            ),
            (
                "deletion_rules",
                "dpf_certification",
                "eu_data_boundary",
                "customer_lockbox",
                "customer_held_keys",
            ),
            kind="dpf",
        ),
    ),
    dismiss={"support": INCLUDED_IN_MICROSOFT, "exposure": INCLUDED_IN_MICROSOFT},
    decisions=(
        DecisionSpec(
            SGG,
            DecisionOutcome.REJECTED,
            SGG_23_APRIL,
            "Afvist. Restrisikoen ved Microsoft (USA) som underdatabehandler er meget høj: Data Privacy "
            "Framework kan blive underkendt, amerikanske myndigheder kan kræve data udleveret, support kan "
            "få adgang til data fra tredjelande, og Microsofts vilkår er uigennemsigtige, som tyske "
            "tilsynsmyndigheder har kritiseret.",
            next_meeting_on=STY_7_MAY,
        ),
        DecisionSpec(
            STY,
            DecisionOutcome.REJECTED,
            STY_7_MAY,
            "Styregruppen fastholder afvisningen og accepterer ikke restrisikoen ved Microsoft som "
            "underdatabehandler.",
            next_meeting_on=DIR_3_JUNE,
        ),
    ),
)


# --- Case 1: CapCut Pro -------------------------------------------------------------------------------------

CHINA = (
    "Ejeren ByteDance Ltd. er underlagt kinesisk sikkerhedslovgivning (National Intelligence Law art. 7), "
    "der forpligter virksomheder til at bistå de kinesiske efterretningstjenester. Det er ejerens "
    "jurisdiktion, der er risikoen; hvor data opbevares, ændrer ikke på det."
)
PAEDAGOGICAL = "Pædagogisk IT-konsulent, Børne- og Ungeforvaltningen"

CAPCUT_CASE = CaseSpec(
    system=CAPCUT,
    sections={
        "necessity": (
            "Videoredigering i undervisningen og kommunikationen kan løses med værktøjer, som kommunen kan "
            "godkende, fx Adobe Creative Cloud. CapCut Pro er derfor ikke nødvendigt for opgaven."
        ),
        "dpo_opinion": (
            f"{CHINA} Leverandøren har desuden hverken oplyst kontraherende enhed, behandlingslande eller "
            "sletteregler. Samme begrundelse førte tidligere til, at TikTok blev afvist."
        ),
        "proposal": "Afvises. Adobe Creative Cloud tilbydes som alternativ.",
    },
    risks=(
        RiskSpec(
            risk(
                "Kinesiske myndigheder kan kræve data udleveret fra ByteDance Ltd.",
                CHINA,
                "Beskyttelse mod myndigheders adgang uden retsgarantier (Chartrets art. 7, 8 og 47); "
                "elevers og medarbejderes privatliv.",
                (4, 3),
                owner=PAEDAGOGICAL,
            ),
            kind="exposure",
        ),
        RiskSpec(
            risk(
                "Ukendt overførsel: ByteDance har ikke oplyst behandlingslande",
                "Hverken kontraherende enhed eller behandlingslande er oplyst, så overførslernes grundlag "
                "kan ikke vurderes.",
                "Art. 44 ff. (overførsel til tredjelande); retten til information (art. 13).",
                (3, 3),
                owner=PAEDAGOGICAL,
            ),
            kind="unknown",
        ),
        RiskSpec(
            risk(
                "Elevers billeder, stemmer og tekst i videoerne",
                "Eleverne indtaler og skriver tekst i videoerne, og billeder og stemmer af elever indgår.",
                "Børns særlige beskyttelse (betragtning 38); dataminimering (art. 5, stk. 1, litra c).",
                (3, 3),
                owner=PAEDAGOGICAL,
            ),
            kind="free_text",
        ),
        RiskSpec(
            risk(
                "AI-funktioner behandler elevers billeder og stemmer",
                "Automatiske undertekster og AI-effekter behandler elevers stemmer og ansigter hos en "
                "leverandør, hvis brug af data ikke er oplyst.",
                "Børns særlige beskyttelse (betragtning 38); formålsbegrænsning (art. 5, stk. 1, litra b).",
                (2, 3),
                owner=PAEDAGOGICAL,
            ),
            kind="ai",
        ),
    ),
    decisions=(
        DecisionSpec(
            SGG,
            DecisionOutcome.REJECTED,
            SGG_23_APRIL,
            "Afvist, fordi ejeren ByteDance Ltd. er underlagt kinesisk sikkerhedslovgivning (National "
            "Intelligence Law art. 7). Det er ejerens jurisdiktion, ikke hvor data opbevares, der er "
            "afgørende – samme begrundelse som ved afvisningen af TikTok.",
            next_meeting_on=STY_7_MAY,
            alternative="Adobe Creative Cloud",
            alternative_system="Adobe Creative Cloud",
        ),
        DecisionSpec(
            STY,
            DecisionOutcome.REJECTED,
            STY_7_MAY,
            "Styregruppen fastholder afvisningen: ejeren er underlagt kinesisk sikkerhedslovgivning. "
            "Restrisikoen accepteres ikke.",
            next_meeting_on=DIR_3_JUNE,
            alternative="Adobe Creative Cloud",
            alternative_system="Adobe Creative Cloud",
        ),
    ),
)


# --- Case 2: Canva via SkoleTube ----------------------------------------------------------------------------

SCHOOLS = "Skolechef, Børne- og Ungeforvaltningen"
#: Systemgodkendelsesgruppen's statement on Canva, as the minutes give it (no year).
CANVA_REEVALUATION = (
    "Bemærkning: Ifølge Systemgodkendelsesgruppens udtalelse vil Styregruppen for IT-sikkerhed revurdere "
    "Canva den 17. december."
)
NO_BASIS_RIGHTS = "Art. 44 ff. (overførsel til tredjelande); elevers privatliv (Chartrets art. 7 og 8)."

CANVA_CASE = CaseSpec(
    system=CANVA,
    # All the municipality's pupils could use it.
    criteria=(Wp248Criterion.LARGE_SCALE,),
    sections={
        "necessity": (
            "Eleverne kan arbejde med design i værktøjer, der ikke overfører deres data til tredjelande. "
            "Behovet kan dækkes uden Canva via SkoleTube."
        ),
        "subject_views": "Skolebestyrelserne er ikke hørt.",
        "dpo_opinion": (
            "Underdatabehandlerne Canva Pty Ltd (Australien) og et support- og driftsselskab i Filippinerne "
            "behandler elevers data i lande uden tilstrækkelighedsafgørelse og uden overførselsgrundlag, og "
            "de to amerikanske underdatabehandlere er ikke på Data Privacy Framework-listen. SkoleTube har "
            "ikke kunnet bekræfte sletning hos underdatabehandlerne. Den eneste foranstaltning mod elevers "
            "fritekst er en regel om ikke at indtaste personoplysninger. Den hviler på, at børn husker "
            "reglen, og er ikke tilstrækkelig; leverandørens egen risikoanalyse ser bort fra brugerfejl."
        ),
        "proposal": "Afvises. Canva Teams til medarbejdere (uden elever) tilbydes som alternativ.",
    },
    risks=(
        RiskSpec(
            risk(
                "",  # the suggestion's title: one risk per recipient and country
                "Underdatabehandleren er ikke omfattet af en tilstrækkelighedsafgørelse, Data Privacy "
                "Framework eller standardkontraktbestemmelser.",
                NO_BASIS_RIGHTS,
                (4, 3),
                owner=SCHOOLS,
            ),
            kind="no_basis",
            every=True,
        ),
        RiskSpec(
            risk(
                "Sletning hos underdatabehandlerne kan ikke bekræftes",
                "SkoleTube har ikke kunnet bekræfte, at elevers data slettes hos Canva og dennes "
                "underdatabehandlere.",
                "Opbevaringsbegrænsning (art. 5, stk. 1, litra e); retten til sletning (art. 17).",
                (3, 3),
                owner=SCHOOLS,
            ),
        ),
        RiskSpec(
            risk(
                "Elever skriver personoplysninger i fritekst",
                "Elever skriver frit i designs og kommentarer og kan skrive navne, billeder og oplysninger "
                "om sig selv og andre.",
                "Børns særlige beskyttelse (betragtning 38); dataminimering (art. 5, stk. 1, litra c).",
                (3, 3),
                (2, 3),
                "SkoleTube tilbyder alene en regel om, at eleverne ikke må indtaste personoplysninger.",
                SCHOOLS,
            ),
            ("no_personal_data_rule",),
            kind="free_text",
        ),
    ),
    dismiss={"exposure": "Indgår i risiciene for overførsel til USA uden overførselsgrundlag."},
    decisions=(
        DecisionSpec(
            SGG,
            DecisionOutcome.REJECTED,
            SGG_23_APRIL,
            "Afvist: underdatabehandlere i Australien og Filippinerne uden tilstrækkelighedsafgørelse, "
            "amerikanske underdatabehandlere uden for Data Privacy Framework, og sletning kunne ikke "
            "bekræftes. Den eneste foranstaltning er, at brugerne skal huske ikke at indtaste "
            "personoplysninger; den menneskelige faktor gør den utilstrækkelig, og leverandørens egen "
            "risikoanalyse ser bort fra brugerfejl. " + CANVA_REEVALUATION,
            next_meeting_on=STY_7_MAY,
            alternative="Canva Teams til medarbejdere (ingen elever)",
            alternative_system="Canva Teams (medarbejdere)",
        ),
        DecisionSpec(
            STY,
            DecisionOutcome.REJECTED,
            STY_7_MAY,
            "Styregruppen fastholder afvisningen og accepterer ikke restrisikoen.",
            next_meeting_on=DIR_3_JUNE,
            alternative="Canva Teams til medarbejdere (ingen elever)",
            alternative_system="Canva Teams (medarbejdere)",
        ),
    ),
)


# --- The earlier rejection: TikTok (facts and dates assumed, see the module's docstring) --------------------

TIKTOK_REJECTION = (
    "Afvist, fordi ejeren ByteDance Ltd. er underlagt kinesisk sikkerhedslovgivning (National Intelligence "
    "Law art. 7)."
)

TIKTOK_CASE = CaseSpec(
    system=TIKTOK,
    sections={
        "necessity": "Kommunikationen med unge borgere kan ske gennem kanaler, som kommunen kan godkende.",
        "dpo_opinion": CHINA,
        "proposal": "Afvises.",
    },
    risks=(
        RiskSpec(
            risk(
                "Kinesiske myndigheder kan kræve data udleveret fra ByteDance Ltd.",
                CHINA,
                "Beskyttelse mod myndigheders adgang uden retsgarantier (Chartrets art. 7, 8 og 47).",
                (4, 3),
                owner="Kommunikationschef, Økonomi og Personale",
            ),
            kind="exposure",
        ),
    ),
    decisions=(
        DecisionSpec(SGG, DecisionOutcome.REJECTED, TIKTOK_SGG, TIKTOK_REJECTION, next_meeting_on=TIKTOK_STY),
        DecisionSpec(
            STY,
            DecisionOutcome.REJECTED,
            TIKTOK_STY,
            "Styregruppen fastholder afvisningen og accepterer ikke restrisikoen.",
            next_meeting_on=TIKTOK_DIR,
        ),
        DecisionSpec(DIR, DecisionOutcome.REJECTED, TIKTOK_DIR, TIKTOK_REJECTION),
    ),
)

#: TikTok first: it was decided long before the three cases of June 2026.
CASES = (TIKTOK_CASE, CAPCUT_CASE, CANVA_CASE, MOMENTUM)


# --- building ---------------------------------------------------------------------------------------------


def demo_dpo(session: Session) -> tuple[User, bool]:
    """The demo's DPO, who records the decisions; True when it was created now."""
    found = find_user(session, DPO_EMAIL)
    if found is not None:
        return found, False
    return create_user(session, DPO_EMAIL, Role.DPO, generate_password(), name=DPO_NAME), True


def load_dpias(session: Session) -> tuple[Counter[str], list[str]]:
    """Add the seed DPIAs of demo systems that have none; return what was added (by table) and notes."""
    added: Counter[str] = Counter()
    notes: list[str] = []
    todo = []
    for case in CASES:
        system = session.scalars(select(System).where(System.name == case.system)).first()
        if system is not None and services.current_dpia(session, system.id) is None:
            todo.append((case, system))
    if not todo:
        return added, notes
    bodies = {b.name: b.id for b in session.scalars(select(ApprovalBody))}
    if not {SGG, STY, DIR} <= set(bodies):
        # The chain was changed after the demo was loaded: the seed decisions would not fit it.
        return added, ["DPIAs not added: the demo's approval bodies have been renamed or removed."]
    dpo, new = demo_dpo(session)
    if new:
        added["user"] += 1
    measures = {m.key: m for m in session.scalars(select(Measure).where(Measure.key.is_not(None)))}
    built = []
    for case, system in todo:
        counts, dpia = _build(session, case, system, dpo, measures, bodies)
        added += counts
        built.append(dpia)
    decided = _direktionen_item(session, built, dpo, bodies)
    if decided:
        added += Counter({"agenda_item": 1, "decision": decided})
    for dpia in built:
        notes.append(f"DPIA {dpia.system.name} ({dpia.system.status.value})")
    return added, notes


def _build(
    session: Session,
    case: CaseSpec,
    system: System,
    dpo: User,
    measures: dict[str | None, Measure],
    bodies: dict[str, int],
) -> tuple[Counter[str], Dpia]:
    dpia = services.start_dpia(session, system, LANG)
    description = "\n\n".join(t for t in (dpia.description, case.description_addendum) if t)
    services.save_sections(
        session,
        dpia,
        {
            **case.sections,
            "description": description,
            "criteria": [*dpia.criteria, *(c.value for c in case.criteria)],
            "listed": [k.value for k in case.listed],
        },
    )
    risks = 0
    for spec in case.risks:
        values = {**spec.values, "measure_ids": [measures[k].id for k in spec.measures]}
        keys = _pending(session, dpia, spec.kind) if spec.kind else []
        if not keys:
            # The facts no longer suggest it: entered by hand, unless it only names what a suggestion said.
            if values["title"]:
                services.add_risk(session, dpia, values)
                risks += 1
            continue
        # An empty title keeps the suggestion's own (which names the recipient and country).
        edits = {k: v for k, v in values.items() if v or k != "title"}
        for key in keys if spec.every else keys[:1]:
            services.accept_suggestion(session, dpia, key, LANG, edits)
            risks += 1
    dismissals = 0
    for view in services.pending_suggestions(session, dpia, LANG):
        reason = case.dismiss.get(view.suggestion.kind)
        if reason is not None:
            services.dismiss_suggestion(session, dpia, view.suggestion.key, LANG, reason)
            dismissals += 1
    approval.submit(session, dpia, LANG, case.decisions[0].meeting_on)
    for decision in case.decisions:
        approval.record_decision(
            session,
            dpia,
            {
                "body_id": bodies[decision.body],
                "outcome": decision.outcome.value,
                "meeting_on": decision.meeting_on,
                "case_number": system.journal_number,
                "rationale": decision.rationale,
                "alternative": decision.alternative,
                "alternative_system_id": _system_id(session, decision.alternative_system),
                "next_meeting_on": decision.next_meeting_on,
                "residual_accepted": False,
            },
            dpo,
            LANG,
        )
    counts = Counter(
        {
            "dpia": 1,
            "dpia_risk": risks,
            "dpia_suggestion_dismissal": dismissals,
            "decision": len(case.decisions),
        }
    )
    return counts, dpia


def _system_id(session: Session, name: str) -> int | None:
    if not name:
        return None
    return session.scalar(select(System.id).where(System.name == name))


def _direktionen_item(session: Session, built: list[Dpia], dpo: User, bodies: dict[str, int]) -> int:
    """Direktionen's item of 3 June 2026 with the cases built now, postponed to 17 June in one decision."""
    cases = [d for d in built if d.body_id == bodies[DIR] and d.meeting_on == DIR_3_JUNE]
    if not cases:
        return 0
    body = session.get(ApprovalBody, bodies[DIR])
    assert body is not None
    item = agenda_items.create_item(
        session, body, DIR_3_JUNE, {**DIR_ITEM, "dpia_ids": [d.id for d in cases]}
    )
    decisions = agenda_items.record_item_decision(
        session,
        item,
        {
            "outcome": DecisionOutcome.POSTPONED.value,
            "rationale": DIR_ITEM_DECISION,
            "next_meeting_on": DIR_17_JUNE,
            "residual_accepted": False,
        },
        dpo,
        LANG,
    )
    return len(decisions)


def _pending(session: Session, dpia: Dpia, kind: str) -> list[str]:
    """The keys of the suggestions of ``kind`` still pending on the DPIA."""
    return [
        v.suggestion.key
        for v in services.pending_suggestions(session, dpia, LANG)
        if v.suggestion.kind == kind
    ]


def dpia_of(session: Session, system_name: str) -> Dpia | None:
    """The seed DPIA of a demo system (for tests and the CLI)."""
    system = session.scalars(select(System).where(System.name == system_name)).first()
    return services.current_dpia(session, system.id) if system is not None else None
