"""What the DPF list says about a recipient: the fields, how they are stored, and the US-only rule.

Vendors and sub-processors share these (``riskreg.vendors.models.DpfRecord``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from riskreg.enums import DpfStatus
from riskreg.errors import DomainError

#: One status per framework an organisation joins on the list (EU-U.S., UK Extension, Swiss-U.S.).
STATUS_FIELDS = ("dpf_status", "dpf_uk_status", "dpf_swiss_status")
COVERAGE_FIELDS = ("dpf_covers_hr", "dpf_covers_non_hr")
DPF_FIELDS = (
    *STATUS_FIELDS,
    *COVERAGE_FIELDS,
    "dpf_due_on",
    "dpf_url",
    "dpf_listed_name",
    "dpf_checked_on",
)
#: The only country whose entities can be on the list.
DPF_COUNTRY = "US"
URL_MAX = 500
LISTED_NAME_MAX = 200


def active_frameworks(statuses: dict[str, DpfStatus | None]) -> list[str]:
    """The status fields that say *active*."""
    return [key for key in STATUS_FIELDS if statuses.get(key) == DpfStatus.ACTIVE]


def may_be_dpf_active(country_code: str | None) -> bool:
    """Only a US entity can be active on the DPF list: an entry belongs to one legal entity in the US."""
    return country_code == DPF_COUNTRY


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def check_dpf(values: dict[str, Any], record: Any | None, today: dt.date) -> None:
    """Coerce and check the DPF values in ``values`` (in place) against what ``record`` holds now.

    ``values`` may hold ``country_code`` already cleaned; a field not in ``values`` keeps the record's value.
    """
    for key in STATUS_FIELDS:
        if key in values:
            if values[key] in (None, ""):
                values[key] = DpfStatus.UNKNOWN
            try:
                values[key] = DpfStatus(values[key])
            except ValueError:
                raise DomainError(_("Choose one of the listed values."), field=key) from None
    for key in COVERAGE_FIELDS:
        if key in values and values[key] is not None and not isinstance(values[key], bool):
            raise DomainError(_("Choose one of the listed values."), field=key)
    for key, limit in (("dpf_url", URL_MAX), ("dpf_listed_name", LISTED_NAME_MAX)):
        if key in values:
            values[key] = (values[key] or "").strip()
            if len(values[key]) > limit:
                raise DomainError(_("At most %(n)s characters.", n=limit), field=key)
    if values.get("dpf_url") and not is_web_address(values["dpf_url"]):
        raise DomainError(
            _("Give the participant's page as a web address starting with https:// or http://."),
            field="dpf_url",
        )
    checked = values.get("dpf_checked_on")
    if checked is not None and checked > today:
        raise DomainError(_("The DPF check date cannot be in the future."), field="dpf_checked_on")

    def current(key: str) -> Any:
        return values[key] if key in values else getattr(record, key, None)

    country = current("country_code")
    active = active_frameworks({key: current(key) for key in STATUS_FIELDS})
    if active and not may_be_dpf_active(country):
        # On the status that says active when the caller set it; else the country change is what breaks it.
        target = next((key for key in active if key in values), "country_code")
        if country is None:
            message = _(
                "Only a US entity can be active on the Data Privacy Framework list: record the entity's "
                "country (United States) first."
            )
        else:
            message = _(
                "Only a US entity can be active on the Data Privacy Framework list, and this entity's "
                "country is %(country)s. A DPF entry belongs to one legal entity in the United States: "
                "record that entity (for example the parent or a sub-processor) with its own DPF status.",
                country=country,
            )
        raise DomainError(message, field=target)
