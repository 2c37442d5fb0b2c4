"""Pages of the countries area: the lists, one list as of a date, a new version, jurisdiction exposure."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.countries import services
from riskreg.countries.forms import ListVersionForm, prefill
from riskreg.countries.models import CountryList
from riskreg.enums import CountryListKind, CountryStatus
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.forms import country_choices, date_arg, select_choices, show_error
from riskreg.i18n import current_language, date_filter

bp = Blueprint("countries", __name__, url_prefix="/countries")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    today = services.today()
    return render_template(
        "countries/index.html", summaries=services.list_overview(db.session(), today), today=today
    )


@bp.route("/<int:list_id>")
@requires(Permission.READ)
def list_view(list_id: int) -> str:
    country_list = db.get_or_404(CountryList, list_id)
    today = services.today()
    as_of = date_arg("as_of", _("Showing the list in force today.")) or today
    status_arg = request.args.get("status", "")
    status = CountryStatus(status_arg) if status_arg in CountryStatus.__members__.values() else None
    page = services.list_page(
        db.session(),
        country_list,
        as_of=as_of,
        today=today,
        version_id=_int_arg("version"),
        status=status,
        locale=current_language(),
    )
    if page is None:
        abort(404)
    return render_template(
        "countries/list.html",
        country_list=country_list,
        may_add_version=may_add_version(country_list),
        page=page,
        as_of=as_of,
        today=today,
        status=status,
        statuses=list(CountryStatus),
    )


def may_add_version(country_list: CountryList) -> bool:
    """Admins keep the official list; the DPO (and admins) keep the scenarios beside it."""
    official = country_list.kind == CountryListKind.OFFICIAL
    return bool(
        current_user.can(Permission.MANAGE_COUNTRY_LISTS if official else Permission.MANAGE_SCENARIOS)
    )


@bp.route("/<int:list_id>/versions/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SCENARIOS)  # the official list also needs MANAGE_COUNTRY_LISTS (checked below)
def version_new(list_id: int) -> Response | tuple[str, int]:
    country_list = db.get_or_404(CountryList, list_id)
    if not may_add_version(country_list):
        abort(403)
    today = services.today()
    names = services.country_names(db.session(), current_language())
    if request.method == "GET":
        source = services.list_version_in_force(db.session(), country_list.id, today)
        form = ListVersionForm(data=prefill(services.entry_values(source), names))
        form.latest_id.data = str(services.latest_version_id(db.session(), country_list.id))
    else:
        form = ListVersionForm()
    choices = select_choices(country_choices())
    for row in form.entries:
        row.form.country_code.choices = choices
    conflict = None
    if form.validate_on_submit():
        try:
            version = services.create_list_version(
                db.session(),
                country_list,
                form.effective_on.data,  # type: ignore[arg-type]
                form.note.data or "",
                form.entry_mapping(),
                created_by_id=current_user.id,
                based_on_id=form.latest(),
            )
        except ConflictError as exc:
            conflict = exc
            form.latest_id.data = str(services.latest_version_id(db.session(), country_list.id))
        except DomainError as exc:
            show_error(form, exc, default="note")
        else:
            flash(
                _("New version saved, in force from %(date)s.", date=date_filter(version.effective_on)),
                "success",
            )
            for warning in services.version_warnings(db.session(), version, today):
                flash(warning, "warning")
            return redirect(url_for("countries.list_view", list_id=country_list.id, version=version.id))
    status = 409 if conflict else (400 if form.errors else 200)
    return render_template(
        "countries/version_new.html", form=form, country_list=country_list, names=names, conflict=conflict
    ), status


@bp.route("/exposure")
@requires(Permission.READ)
def exposure() -> str:
    return render_template("countries/exposure.html", rows=services.exposure_list(db.session()))
