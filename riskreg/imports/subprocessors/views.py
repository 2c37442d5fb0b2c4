"""Pages of the sub-processor import: upload or paste a list, see the difference, confirm or discard."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.errors import ConflictError, DomainError
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.imports.files import ImportRefused, Problem
from riskreg.imports.models import ImportBatch
from riskreg.imports.settings import configured_limits
from riskreg.imports.subprocessors import services
from riskreg.imports.subprocessors.forms import SubProcessorUploadForm
from riskreg.imports.views import bp, discard_batch
from riskreg.vendors.models import Vendor


def _vendor(vendor_id: int) -> Vendor:
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        abort(404)
    return vendor


def _batch(batch_id: int) -> ImportBatch:
    batch = services.load_batch(db.session(), batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/subprocessors/<int:vendor_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def subprocessors_upload(vendor_id: int) -> Response | tuple[str, int]:
    vendor = _vendor(vendor_id)
    form = SubProcessorUploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = services.read(upload.read() if upload else None, form.text.data, configured_limits())
            batch = services.preview(
                db.session(),
                vendor,
                table,
                form.source.data or "",
                form.source_on.data,
                (upload.filename or "") if upload else "",
                current_language(),
                current_user,
            )
        except ImportRefused as exc:
            problems = exc.problems
        else:
            flash(
                _("The list was read. Nothing has changed yet: check the difference, then confirm it."),
                "success",
            )
            return redirect(url_for("imports.subprocessors_batch", batch_id=batch.id))
    page = render_template(
        "imports/subprocessors_upload.html",
        vendor=vendor,
        form=form,
        problems=problems,
        lang=current_language(),
        batches=services.vendor_batches(db.session(), vendor.id),
    )
    return page, 400 if form.errors or problems else 200


def _batch_page(batch: ImportBatch, status: int = 200) -> tuple[str, int]:
    lang = current_language()
    shown = services.show(db.session(), batch, lang)
    return render_template("imports/subprocessors_batch.html", batch=batch, shown=shown, lang=lang), status


@bp.route("/subprocessors/batch/<int:batch_id>")
@requires(Permission.READ)
def subprocessors_batch(batch_id: int) -> tuple[str, int]:
    return _batch_page(_batch(batch_id))


@bp.route("/subprocessors/batch/<int:batch_id>/apply", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def subprocessors_apply(batch_id: int) -> Response | tuple[str, int]:
    batch = _batch(batch_id)
    try:
        services.apply(db.session(), batch, current_user, current_language())
    except DomainError as exc:
        flash(exc.message, "error")
        return _batch_page(_batch(batch_id), 409 if isinstance(exc, ConflictError) else 400)
    flash(_("The sub-processor list was applied."), "success")
    return redirect(url_for("vendors.view", vendor_id=batch.vendor_id))


@bp.route("/subprocessors/batch/<int:batch_id>/discard", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def subprocessors_discard(batch_id: int) -> Response | tuple[str, int]:
    batch = _batch(batch_id)
    return discard_batch(
        lambda: services.discard(db.session(), batch, current_language()),
        lambda: _batch_page(_batch(batch_id), 409),
        url_for("imports.subprocessors_upload", vendor_id=batch.vendor_id),
    )
