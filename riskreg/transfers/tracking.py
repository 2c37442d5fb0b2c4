"""Keep the stored classification current: re-classify in the same transaction as a change that can move it.

After a flush that touched a vendor, a sub-processor, a location, a country list or the exposure list, a
system's vendor or its data subjects, the session is marked; just before it commits,
``system_verdicts.refresh`` rewrites the stored classification in full. Code that writes around the ORM
(bulk inserts) calls ``mark_stale``.

``listen()`` installs the three session listeners; ``create_app`` calls it, so every session of the app
(web requests, the CLI, the tests) keeps the classification current, and nothing depends on which module
happened to be imported first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from riskreg.countries.models import CountryList, CountryListEntry, CountryListVersion, JurisdictionExposure
from riskreg.systems.models import System, SystemDataSubject
from riskreg.transfers.system_verdicts import is_current, refresh
from riskreg.vendors.models import ProcessingLocation, SubProcessor, Vendor

STALE = "riskreg.transfers.stale"
#: Any change to one of these can change a transfer's class or an exposure finding.
WATCHED = (
    Vendor,
    SubProcessor,
    ProcessingLocation,
    CountryList,
    CountryListVersion,
    CountryListEntry,
    JurisdictionExposure,
    # An HR system needs a DPF listing's HR coverage: its data subjects move its verdict.
    SystemDataSubject,
)
#: A system's verdict moves only when it appears, goes, or changes vendor.
SYSTEM_FIELDS = ("vendor_id",)


def mark_stale(session: Session) -> None:
    session.info[STALE] = True


def _moves_verdicts(obj: Any, *, changed: bool) -> bool:
    if isinstance(obj, WATCHED):
        return True
    if isinstance(obj, System):
        if not changed:
            return True
        state = inspect(obj)
        return any(state.attrs[name].history.has_changes() for name in SYSTEM_FIELDS)
    return False


def _note_changes(session: Session, flush_context: Any) -> None:
    if session.info.get(STALE):
        return
    if any(_moves_verdicts(o, changed=False) for o in (*session.new, *session.deleted)) or any(
        _moves_verdicts(o, changed=True) for o in session.dirty
    ):
        mark_stale(session)


def _refresh_before_commit(session: Session) -> None:
    session.flush()
    # Also the first commit after a list version took effect: reads computed meanwhile (stale_source).
    if session.info.pop(STALE, False) or not is_current(session):
        refresh(session)


def _forget(session: Session) -> None:
    session.info.pop(STALE, None)


_LISTENERS = (
    ("after_flush", _note_changes),
    ("before_commit", _refresh_before_commit),
    ("after_rollback", _forget),
)


def listen() -> None:
    """Keep the stored classification current in every ORM session (idempotent)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
