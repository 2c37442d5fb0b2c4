"""Pages of agenda items: add and edit an item (DPO, admin), record its one decision (deciders)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.bodies.models import ApprovalBody
from riskreg.dpia import agenda_items, approval, minutes
from riskreg.dpia.agenda_forms import AgendaItemForm, ItemDecisionForm
from riskreg.dpia.models import AgendaItem, Dpia
from riskreg.dpia.system_risk import residuals
from riskreg.extensions import db
from riskreg.forms import select_choices
from riskreg.i18n import current_language
from riskreg.labels import label
from riskreg.views import save_form

bp = Blueprint("agenda", __name__, url_prefix="/agenda")


def _meeting_url(body_id: int, on: dt.date) -> str:
    return url_for("decisions.agenda", body_id=body_id, meeting=on.isoformat())


def _case_choices(form: AgendaItemForm, cases: list[Dpia]) -> None:
    form.dpia_ids.choices = select_choices(
        (d.id, _("%(system)s, DPIA version %(n)s", system=d.system.name, n=d.number)) for d in cases
    )


@bp.route("/<int:body_id>/<string:meeting>/items/new", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def item_new(body_id: int, meeting: str) -> Response | tuple[str, int]:
    session = db.session()
    body = session.get(ApprovalBody, body_id)
    on = minutes.parse_day(meeting)
    if body is None or on is None:
        abort(404)
    form = AgendaItemForm()
    _case_choices(form, agenda_items.candidates(session, body.id, on))
    return save_form(
        form,
        lambda: agenda_items.create_item(session, body, on, form.values()),
        success=lambda item: _("Item %(n)s added to the agenda.", n=item.position),
        redirect_to=_meeting_url(body.id, on),
        template="dpia/agenda_item.html",
        default_field="title",
        body=body,
        on=on,
        item=None,
        cancel=_meeting_url(body.id, on),
    )


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DPIA)
def item_edit(item_id: int) -> Response | tuple[str, int]:
    session = db.session()
    item = db.get_or_404(AgendaItem, item_id)
    form = AgendaItemForm(obj=item)
    _case_choices(form, agenda_items.candidates(session, item.body_id, item.meeting_on, item))
    if not form.is_submitted():
        form.dpia_ids.data = [str(d.id) for d in item.cases]
    return save_form(
        form,
        lambda: agenda_items.update_item(session, item, form.values(), form.version.data),
        record=item,
        success=_("Saved."),
        redirect_to=_meeting_url(item.body_id, item.meeting_on),
        template="dpia/agenda_item.html",
        default_field="title",
        body=item.body,
        on=item.meeting_on,
        item=item,
        cancel=_meeting_url(item.body_id, item.meeting_on),
    )


@bp.route("/items/<int:item_id>/decision", methods=["GET", "POST"])
@requires(Permission.RECORD_DECISION)
def item_decision(item_id: int) -> Response | tuple[str, int]:
    session = db.session()
    item = db.get_or_404(AgendaItem, item_id)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    lang = current_language()
    form = ItemDecisionForm()
    cases = agenda_items.open_cases(item)
    return save_form(
        form,
        lambda: agenda_items.record_item_decision(session, item, form.values(), user, lang),
        success=lambda decisions: _(
            "Decision recorded for %(n)s cases: %(outcome)s.",
            n=len(decisions),
            outcome=label(decisions[0].outcome).lower(),
        ),
        redirect_to=_meeting_url(item.body_id, item.meeting_on),
        template="dpia/agenda_item_decision.html",
        item=item,
        cases=cases,
        residuals=residuals(session, [d.system_id for d in cases], versions={d.system_id: d for d in cases}),
        may_decide=approval.may_decide_for(user, item.body_id),
        lang=lang,
        cancel=_meeting_url(item.body_id, item.meeting_on),
    )
