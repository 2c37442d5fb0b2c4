"""Country lists (*sikre tredjelande*): the version in force on a date, new versions, diffs; exposure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from riskreg.auth.models import User
from riskreg.countries.models import (
    Country,
    CountryList,
    CountryListEntry,
    CountryListVersion,
    JurisdictionExposure,
    country_names,
)
from riskreg.enums import CountryListKind, CountryStatus
from riskreg.errors import ConflictError, DomainError
from riskreg.services import commit

NOTE_MAX = 2000
DECISION_REF_MAX = 300
SCOPE_NOTE_MAX = 2000
#: Statuses that come from the treaties, not from a Commission decision: changing them deserves a second look.
TREATY_STATUSES = frozenset({CountryStatus.EU, CountryStatus.EEA})

#: code -> (status, decision reference, decision date, scope note)
EntryValues = tuple[CountryStatus, str, dt.date | None, str]


def today() -> dt.date:
    return dt.date.today()


# --- reading ------------------------------------------------------------------------------------------------


def official_list(session: Session) -> CountryList:
    """The official list (loaded with the reference data at ``riskreg db upgrade``)."""
    official = session.scalar(
        select(CountryList).where(CountryList.kind == CountryListKind.OFFICIAL).order_by(CountryList.id)
    )
    if official is None:
        raise DomainError(_("There is no official country list. Run 'riskreg db upgrade' to load it."))
    return official


def list_version_in_force(session: Session, country_list_id: int, on: dt.date) -> CountryListVersion | None:
    """The version of a list in force on ``on``: the one with the latest effective date on or before it."""
    return session.scalar(
        select(CountryListVersion)
        .where(CountryListVersion.country_list_id == country_list_id, CountryListVersion.effective_on <= on)
        .order_by(CountryListVersion.effective_on.desc())
        .limit(1)
    )


def next_scheduled_version(
    session: Session, country_list_id: int, after: dt.date
) -> CountryListVersion | None:
    """The first version of a list that takes effect after ``after``."""
    return session.scalar(
        select(CountryListVersion)
        .where(CountryListVersion.country_list_id == country_list_id, CountryListVersion.effective_on > after)
        .order_by(CountryListVersion.effective_on)
        .limit(1)
    )


def latest_version_id(session: Session, country_list_id: int) -> int:
    """The id of the newest version added to a list (0 when it has none)."""
    return (
        session.scalar(
            select(func.max(CountryListVersion.id)).where(
                CountryListVersion.country_list_id == country_list_id
            )
        )
        or 0
    )


def previous_version(session: Session, version: CountryListVersion) -> CountryListVersion | None:
    """The version that was in force the day before ``version`` took effect."""
    return list_version_in_force(
        session, version.country_list_id, version.effective_on - dt.timedelta(days=1)
    )


@dataclass(frozen=True)
class ListSummary:
    country_list: CountryList
    in_force: CountryListVersion | None
    scheduled: CountryListVersion | None

    @property
    def is_scenario(self) -> bool:
        return self.country_list.kind == CountryListKind.SCENARIO


def list_overview(session: Session, on: dt.date) -> list[ListSummary]:
    """Every list, the official one first, with the version in force on ``on`` and the next one scheduled."""
    lists = session.scalars(
        select(CountryList)
        .options(selectinload(CountryList.versions))
        .order_by(CountryList.kind, CountryList.name)
    ).all()
    lists = sorted(lists, key=lambda cl: (cl.kind != CountryListKind.OFFICIAL, cl.name.lower()))
    summaries = []
    for cl in lists:
        # ``versions`` is ordered newest first.
        in_force = next((v for v in cl.versions if v.effective_on <= on), None)
        scheduled = min(
            (v for v in cl.versions if v.effective_on > on), key=lambda v: v.effective_on, default=None
        )
        summaries.append(ListSummary(cl, in_force, scheduled))
    return summaries


def load_version(session: Session, version_id: int) -> CountryListVersion | None:
    """A version with its entries and their countries."""
    return session.scalar(
        select(CountryListVersion)
        .where(CountryListVersion.id == version_id)
        .options(selectinload(CountryListVersion.entries).joinedload(CountryListEntry.country))
    )


def sorted_entries(
    version: CountryListVersion, locale: str, status: CountryStatus | None = None
) -> list[CountryListEntry]:
    """The entries of a version by country name in ``locale``, optionally only those with ``status``."""
    entries = [e for e in version.entries if status is None or e.status == status]
    return sorted(entries, key=lambda e: e.country.name(locale).casefold())


@dataclass(frozen=True)
class TimelineRow:
    version: CountryListVersion
    created_by: str
    is_in_force: bool
    is_scheduled: bool


def timeline(session: Session, country_list: CountryList, on: dt.date) -> list[TimelineRow]:
    """Every version of a list, newest first, marking the one in force on ``on`` and those scheduled after."""
    versions = session.scalars(
        select(CountryListVersion)
        .where(CountryListVersion.country_list_id == country_list.id)
        .order_by(CountryListVersion.effective_on.desc())
    ).all()
    user_ids = {v.created_by_id for v in versions if v.created_by_id is not None}
    users = (
        {u.id: u.name or u.email for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    in_force = next((v for v in versions if v.effective_on <= on), None)
    return [
        TimelineRow(
            version=v,
            created_by=users.get(v.created_by_id, "") if v.created_by_id else "",
            is_in_force=v is in_force,
            is_scheduled=v.effective_on > on,
        )
        for v in versions
    ]


@dataclass(frozen=True)
class StatusChange:
    code: str
    old: CountryStatus
    new: CountryStatus


def diff_statuses(old: Mapping[str, CountryStatus], new: Mapping[str, CountryStatus]) -> list[StatusChange]:
    """Which countries changed status between two versions (a country absent from one counts as none)."""
    changes = []
    for code in sorted(set(old) | set(new)):
        before = old.get(code, CountryStatus.NONE)
        after = new.get(code, CountryStatus.NONE)
        if before != after:
            changes.append(StatusChange(code, before, after))
    return changes


def statuses(version: CountryListVersion | None) -> dict[str, CountryStatus]:
    return {e.country_code: e.status for e in version.entries} if version is not None else {}


def version_diff(session: Session, version: CountryListVersion) -> list[StatusChange] | None:
    """Status changes of ``version`` against the version before it; None for the first version of a list."""
    previous = previous_version(session, version)
    if previous is None:
        return None
    return diff_statuses(statuses(previous), statuses(version))


def treaty_warnings(changes: Sequence[StatusChange]) -> list[StatusChange]:
    """The changes that touch an EU/EEA status: allowed, but worth a warning."""
    return [c for c in changes if c.old in TREATY_STATUSES or c.new in TREATY_STATUSES]


def version_warnings(session: Session, version: CountryListVersion, on: dt.date) -> list[str]:
    """What a person should double-check after saving ``version`` (already translated)."""
    warnings = []
    touched = treaty_warnings(version_diff(session, version) or [])
    if touched:
        warnings.append(
            _(
                "EU/EEA status changed for %(codes)s. EU and EEA membership follows the treaties, "
                "not a decision: check that this is intended.",
                codes=", ".join(c.code for c in touched),
            )
        )
    if version.effective_on < on:
        warnings.append(
            _("This version takes effect in the past: transfers on earlier dates are now judged by it.")
        )
    return warnings


@dataclass(frozen=True)
class ListPage:
    """What the page of one list shows."""

    version: CountryListVersion | None
    entries: list[CountryListEntry]
    changes: list[StatusChange] | None
    timeline: list[TimelineRow]
    names: dict[str, str]
    counts: dict[CountryStatus, int]


def list_page(
    session: Session,
    country_list: CountryList,
    *,
    as_of: dt.date,
    today: dt.date,
    version_id: int | None,
    status: CountryStatus | None,
    locale: str,
) -> ListPage | None:
    """The version asked for (by id, else the one in force on ``as_of``), its entries, diff and the timeline.

    The timeline marks the version in force ``today`` and the versions scheduled after it.

    None when ``version_id`` is not a version of this list.
    """
    version: CountryListVersion | None
    if version_id is not None:
        version = load_version(session, version_id)
        if version is None or version.country_list_id != country_list.id:
            return None
    else:
        in_force = list_version_in_force(session, country_list.id, as_of)
        version = load_version(session, in_force.id) if in_force is not None else None
    counts: dict[CountryStatus, int] = dict.fromkeys(CountryStatus, 0)
    for entry in version.entries if version is not None else []:
        counts[entry.status] += 1
    return ListPage(
        version=version,
        entries=sorted_entries(version, locale, status) if version is not None else [],
        changes=version_diff(session, version) if version is not None else None,
        timeline=timeline(session, country_list, today),
        names=country_names(session, locale),
        counts=counts,
    )


def exposure_list(session: Session) -> Sequence[JurisdictionExposure]:
    return session.scalars(
        select(JurisdictionExposure)
        .options(joinedload(JurisdictionExposure.country))
        .order_by(JurisdictionExposure.country_code)
    ).all()


# --- changes ------------------------------------------------------------------------------------------------


def _check_entries(session: Session, entries: Mapping[str, EntryValues]) -> dict[str, EntryValues]:
    known = set(session.scalars(select(Country.code)))
    checked: dict[str, EntryValues] = {}
    for raw_code, (status, decision_ref, decision_on, scope_note) in entries.items():
        code = (raw_code or "").strip().upper()
        if code not in known:
            raise DomainError(_("Unknown country: %(code)s", code=raw_code), field="entries")
        if code in checked:
            raise DomainError(_("%(code)s is on the list twice.", code=code), field="entries")
        try:
            status = CountryStatus(status)
        except ValueError as exc:
            raise DomainError(_("Unknown status: %(status)s", status=status), field="entries") from exc
        decision_ref = (decision_ref or "").strip()
        scope_note = (scope_note or "").strip()
        if len(decision_ref) > DECISION_REF_MAX:
            raise DomainError(
                _(
                    "%(code)s: the decision reference has at most %(n)s characters.",
                    code=code,
                    n=DECISION_REF_MAX,
                ),
                field="entries",
            )
        if len(scope_note) > SCOPE_NOTE_MAX:
            raise DomainError(
                _("%(code)s: the scope note has at most %(n)s characters.", code=code, n=SCOPE_NOTE_MAX),
                field="entries",
            )
        if decision_on is not None and not isinstance(decision_on, dt.date):
            raise DomainError(_("%(code)s: the decision date is not a date.", code=code), field="entries")
        checked[code] = (status, decision_ref, decision_on, scope_note)
    return checked


def create_list_version(
    session: Session,
    country_list: CountryList,
    effective_on: dt.date,
    note: str,
    entries: Mapping[str, EntryValues],
    *,
    created_by_id: int | None = None,
    based_on_id: int | None = None,
) -> CountryListVersion:
    """Add a version to a list, in force from ``effective_on`` until the next version's date.

    ``based_on_id`` is the newest version the user saw when they opened the form: if someone added a version
    since, the new one is refused (ConflictError) rather than silently ignoring theirs.
    """
    if not isinstance(effective_on, dt.date):
        raise DomainError(_("The effective date is required."), field="effective_on")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the list changes: the note is required."), field="note")
    if len(note) > NOTE_MAX:
        raise DomainError(_("At most %(n)s characters.", n=NOTE_MAX), field="note")
    checked = _check_entries(session, entries)
    existing = session.scalars(
        select(CountryListVersion).where(CountryListVersion.country_list_id == country_list.id)
    ).all()
    if any(v.effective_on == effective_on for v in existing):
        raise DomainError(
            _("The list already has a version taking effect on that date. Choose another date."),
            field="effective_on",
        )
    if based_on_id is not None:
        newer = [v for v in existing if v.id > based_on_id]
        if newer:
            raise ConflictError(
                _("Someone added a version to this list after you opened the form. Nothing was saved."),
                changes=[("effective_on", None, v.effective_on.isoformat()) for v in newer],
            )
    version = CountryListVersion(
        country_list=country_list, effective_on=effective_on, note=note, created_by_id=created_by_id
    )
    version.entries = [
        CountryListEntry(
            country_code=code,
            status=status,
            decision_ref=decision_ref,
            decision_on=decision_on,
            scope_note=scope_note,
        )
        for code, (status, decision_ref, decision_on, scope_note) in sorted(checked.items())
    ]
    session.add(version)
    commit(
        session,
        unique_message=_("The list already has a version taking effect on that date. Choose another date."),
    )
    return version


def entry_values(version: CountryListVersion | None) -> dict[str, dict[str, Any]]:
    """The entries of a version as form rows (code -> values), to start a new version from."""
    if version is None:
        return {}
    return {
        e.country_code: {
            "status": e.status.value,
            "decision_ref": e.decision_ref,
            "decision_on": e.decision_on,
            "scope_note": e.scope_note,
        }
        for e in version.entries
    }
