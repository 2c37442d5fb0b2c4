"""Pages of the register import (upload, column mapping, dry run, apply) and the imports' index page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.enums import ImportKind
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.imports.files import ImportRefused, Problem, read_table
from riskreg.imports.forms import MappingForm, mapping_form
from riskreg.imports.models import ImportBatch
from riskreg.imports.register import parse as parsing
from riskreg.imports.register import services
from riskreg.imports.register.forms import RegisterUploadForm
from riskreg.imports.settings import configured_limits
from riskreg.imports.views import bp, discard_batch

#: The most planned systems the dry-run page lists (the counts cover them all).
SHOWN_ROWS = 500
#: Rows of the file shown under each column in the mapping step.
SAMPLE_ROWS = 3


def _endpoint_url(endpoint: str, fallback: str, **values: Any) -> str:
    """The URL of another import's page; a plain path while that page is not there yet."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def _batch_url(batch: ImportBatch) -> str:
    if batch.kind == ImportKind.REGISTER:
        return url_for("imports.register_batch", batch_id=batch.id)
    if batch.kind == ImportKind.DPF:
        return _endpoint_url("imports.dpf_batch", f"/imports/dpf/{batch.id}", batch_id=batch.id)
    return _endpoint_url(
        "imports.subprocessors_batch", f"/imports/subprocessors/batch/{batch.id}", batch_id=batch.id
    )


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    session = db.session()
    batches = services.recent_batches(session)
    vendors = [
        (v, _endpoint_url("imports.subprocessors_upload", f"/imports/subprocessors/{v.id}", vendor_id=v.id))
        for v in services.active_vendors(session)
    ]
    return render_template(
        "imports/index.html",
        batches=[(b, _batch_url(b)) for b in batches],
        vendors=vendors,
        dpf_url=_endpoint_url("imports.dpf_upload", "/imports/dpf"),
    )


# --- the register import ------------------------------------------------------------------------------------


def _load_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.kind != ImportKind.REGISTER:
        abort(404)
    return batch


@bp.route("/register", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def register_upload() -> Response | tuple[str, int]:
    form = RegisterUploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = read_table(upload.read(), configured_limits())
        except ImportRefused as exc:
            problems = exc.problems
        else:
            batch = services.start(db.session(), table, upload.filename or "", current_user.id)
            flash(
                _("%(n)s rows read. Choose what each column holds.", n=batch.summary.get("rows", 0)),
                "success",
            )
            return redirect(url_for("imports.register_mapping", batch_id=batch.id))
    status = 400 if form.errors or problems else 200
    return render_template(
        "imports/register_upload.html", form=form, problems=problems, lang=current_language()
    ), status


def _mapping_page(
    batch: ImportBatch, form: MappingForm, problems: list[Problem], status: int
) -> tuple[str, int]:
    table = services.batch_table(batch)
    samples = {h: [row.values.get(h, "") for row in table.rows[:SAMPLE_ROWS]] for h in table.headers}
    return render_template(
        "imports/register_mapping.html",
        batch=batch,
        form=form,
        samples=samples,
        problems=problems,
        lang=current_language(),
    ), status


@bp.route("/register/<int:batch_id>/mapping", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def register_mapping(batch_id: int) -> Response | tuple[str, int]:
    batch = _load_batch(batch_id)
    if not services.can_change(batch):
        flash(_("This import was applied or discarded already."), "error")
        return redirect(url_for("imports.register_batch", batch_id=batch.id))
    table = services.batch_table(batch)
    form = mapping_form(table.headers, batch.payload.get("mapping") or {}, parsing.FIELD_LABELS.items())
    problems: list[Problem] = []
    if form.validate_on_submit():
        lang = current_language()
        try:
            parsing.check_mapping(table.headers, form.mapping(), lang)
            services.remap(db.session(), batch, form.mapping(), lang)
        except ImportRefused as exc:
            problems = exc.problems
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("imports.register_batch", batch_id=batch_id))
        else:
            return redirect(url_for("imports.register_batch", batch_id=batch_id))
    return _mapping_page(batch, form, problems, 400 if form.errors or problems else 200)


def _batch_page(batch: ImportBatch, status: int = 200) -> tuple[str, int]:
    plan = batch.payload.get("plan") or {}
    return render_template(
        "imports/register_batch.html",
        batch=batch,
        problems=services.batch_problems(batch),
        vendors=plan.get("vendors", []),
        systems=plan.get("systems", [])[:SHOWN_ROWS],
        hidden=max(0, len(plan.get("systems", [])) - SHOWN_ROWS),
        mapping=[
            (h, n, parsing.FIELD_LABELS.get(n)) for h, n in (batch.payload.get("mapping") or {}).items()
        ],
        can_apply=services.can_apply(batch),
        can_change=services.can_change(batch),
        lang=current_language(),
    ), status


@bp.route("/register/<int:batch_id>")
@requires(Permission.READ)
def register_batch(batch_id: int) -> tuple[str, int]:
    return _batch_page(_load_batch(batch_id))


@bp.route("/register/<int:batch_id>/apply", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def register_apply(batch_id: int) -> Response | tuple[str, int]:
    batch = _load_batch(batch_id)
    try:
        counts = services.apply(db.session(), batch, current_user.id, current_language())
    except ImportRefused as exc:
        flash(
            _(
                "Nothing was imported: %(n)s problems. Correct the file and upload it again.",
                n=len(exc.problems),
            ),
            "error",
        )
        return _batch_page(_load_batch(batch_id), 409)
    except DomainError as exc:
        flash(exc.message, "error")
        return _batch_page(_load_batch(batch_id), 409)
    flash(
        _(
            "Imported: %(rows)s rows read, %(vendors)s vendors and %(systems)s systems created.",
            rows=counts["rows"],
            vendors=counts["vendors_created"],
            systems=counts["systems_created"],
        ),
        "success",
    )
    return redirect(url_for("imports.register_batch", batch_id=batch_id))


@bp.route("/register/<int:batch_id>/discard", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def register_discard(batch_id: int) -> Response | tuple[str, int]:
    batch = _load_batch(batch_id)
    return discard_batch(
        lambda: services.discard(db.session(), batch),
        lambda: _batch_page(_load_batch(batch_id), 409),
        url_for("imports.index"),
    )
