"""Pages of the scenarios area: the scenarios, one scenario's impact report, a new scenario."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.forms import country_choices, date_arg, select_choices
from riskreg.i18n import current_language, date_filter
from riskreg.scenarios import services
from riskreg.scenarios.forms import ScenarioForm
from riskreg.transfers import sources
from riskreg.views import save_form

bp = Blueprint("scenarios", __name__, url_prefix="/scenarios")

#: Where a service's refusal is shown on the form.
ERROR_FIELDS = {"note": "description", "entries": "overrides"}


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    today = sources.today()
    summaries = services.scenario_overview(db.session(), today, current_language())
    return render_template("scenarios/index.html", summaries=summaries, today=today)


@bp.route("/<int:scenario_id>")
@requires(Permission.READ)
def view(scenario_id: int) -> str:
    scenario = services.load_scenario(db.session(), scenario_id)
    if scenario is None:
        abort(404)
    lang = current_language()
    today = sources.today()
    as_of = date_arg("as_of", _("Showing the impact today.")) or today
    report, error = None, None
    try:
        report = services.impact_report(db.session(), scenario, as_of, lang)
    except DomainError as exc:
        if as_of == today:
            error = exc.message
        else:
            flash(
                _(
                    "%(reason)s Showing the impact today, %(today)s.",
                    reason=exc.message,
                    today=date_filter(today),
                ),
                "error",
            )
            as_of = today
            try:
                report = services.impact_report(db.session(), scenario, as_of, lang)
            except DomainError as again:
                error = again.message
    return render_template(
        "scenarios/view.html",
        scenario=scenario,
        report=report,
        error=error,
        as_of=as_of,
        today=today,
        overrides=services.overrides(services.version_applied(db.session(), scenario, as_of), lang),
        lang=lang,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCENARIOS)
def new() -> Response | tuple[str, int]:
    form = ScenarioForm()
    if request.method == "GET":
        form.effective_on.data = sources.today()
    choices = select_choices(country_choices())
    for row in form.overrides:
        row.form.country_code.choices = choices
    return save_form(
        form,
        lambda: services.create_scenario(
            db.session(),
            form.name.data or "",
            form.description.data or "",
            form.effective_on.data,  # type: ignore[arg-type]
            form.override_mapping(),
            created_by_id=current_user.id,
        ),
        success=lambda scenario: _("Scenario %(name)s created.", name=scenario.name),
        redirect_to=lambda scenario: url_for("scenarios.view", scenario_id=scenario.id),
        default_field="name",
        error_fields=ERROR_FIELDS,
        template="scenarios/new.html",
    )
