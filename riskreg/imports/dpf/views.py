"""Pages of the DPF import: upload the list, choose its columns where needed, see what it would change, apply
it, decide the pairs to review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.errors import DomainError
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.imports.dpf import services
from riskreg.imports.dpf.columns import FIELDS
from riskreg.imports.dpf.forms import DpfUploadForm, ReviewDecisionForm
from riskreg.imports.files import ImportRefused, Problem, read_table
from riskreg.imports.forms import mapping_form
from riskreg.imports.models import ImportBatch
from riskreg.imports.settings import configured_limits
from riskreg.imports.views import bp, discard_batch


def _upload_page(form: DpfUploadForm, problems: list[Problem], status: int) -> tuple[str, int]:
    return (
        render_template(
            "imports/dpf_upload.html",
            form=form,
            problems=problems,
            lang=current_language(),
            batches=services.recent_batches(db.session()),
        ),
        status,
    )


@bp.route("/dpf", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def dpf_upload() -> Response | tuple[str, int]:
    form = DpfUploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        upload = form.file.data
        about = {
            "user_id": current_user.id,
            "source": (form.source.data or "").strip(),
            "source_on": form.source_on.data,
        }
        try:
            table = read_table(upload.read(), configured_limits())
            if services.needs_mapping(table):
                batch = services.start(db.session(), table, upload.filename or "", **about)
                flash(
                    _("%(n)s rows read. Choose what each column holds.", n=batch.summary.get("rows", 0)),
                    "success",
                )
                return redirect(url_for("imports.dpf_mapping", batch_id=batch.id))
            batch = services.preview_table(db.session(), table, upload.filename or "", **about)
        except ImportRefused as exc:
            problems = exc.problems
        else:
            flash(_("The list was read. Check what it changes, then apply it."), "success")
            return redirect(url_for("imports.dpf_batch", batch_id=batch.id))
    return _upload_page(form, problems, 400 if form.errors or problems else 200)


def _batch_page(batch: ImportBatch, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "imports/dpf_batch.html",
            batch=batch,
            mapping_stage=services.is_mapping(batch),
            matched=services.matched_rows(db.session(), batch),
            reviews=services.review_lines(batch),
            different=services.different_rows(batch),
            not_stated=services.not_stated_rows(batch),
            unmatched=services.unmatched_rows(batch),
            not_found=batch.payload.get("not_found", []),
            decision_form=ReviewDecisionForm(),
        ),
        status,
    )


def _load_batch(batch_id: int) -> ImportBatch:
    batch = services.load_batch(db.session(), batch_id)
    if batch is None:
        abort(404)
    return batch


#: Rows of the file shown under each column in the mapping step.
SAMPLE_ROWS = 3


@bp.route("/dpf/<int:batch_id>/mapping", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTER)
def dpf_mapping(batch_id: int) -> Response | tuple[str, int]:
    batch = _load_batch(batch_id)
    if not services.is_mapping(batch):
        flash(_("The columns of this import were chosen already."), "error")
        return redirect(url_for("imports.dpf_batch", batch_id=batch.id))
    table = services.batch_table(batch)
    form = mapping_form(table.headers, batch.payload.get("mapping") or {}, ((f.key, f.label) for f in FIELDS))
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            services.map_columns(db.session(), batch, form.mapping(), current_language())
        except ImportRefused as exc:
            problems = exc.problems
        else:
            flash(_("The list was read. Check what it changes, then apply it."), "success")
            return redirect(url_for("imports.dpf_batch", batch_id=batch_id))
    samples = {h: [row.values.get(h, "") for row in table.rows[:SAMPLE_ROWS]] for h in table.headers}
    return (
        render_template(
            "imports/dpf_mapping.html",
            batch=batch,
            form=form,
            samples=samples,
            problems=problems,
            lang=current_language(),
        ),
        400 if form.errors or problems else 200,
    )


@bp.route("/dpf/<int:batch_id>")
@requires(Permission.READ)
def dpf_batch(batch_id: int) -> tuple[str, int]:
    return _batch_page(_load_batch(batch_id))


@bp.route("/dpf/<int:batch_id>/apply", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def dpf_apply(batch_id: int) -> Response | tuple[str, int]:
    batch = _load_batch(batch_id)
    try:
        count = services.apply(db.session(), batch, current_user.id)
    except DomainError as exc:
        flash(exc.message, "error")
        return _batch_page(_load_batch(batch_id), 409)
    flash(
        _("Applied: vendors and sub-processors updated: %(count)s.", count=count),
        "success",
    )
    return redirect(url_for("imports.dpf_batch", batch_id=batch_id))


@bp.route("/dpf/<int:batch_id>/discard", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def dpf_discard(batch_id: int) -> Response | tuple[str, int]:
    batch = _load_batch(batch_id)
    return discard_batch(
        lambda: services.discard(db.session(), batch),
        lambda: _batch_page(_load_batch(batch_id), 409),
        url_for("imports.dpf_upload"),
    )


@bp.route("/dpf/reviews/<int:review_id>", methods=["POST"])
@requires(Permission.EDIT_REGISTER)
def dpf_review(review_id: int) -> Response | tuple[str, int]:
    review = services.load_review(db.session(), review_id)
    if review is None:
        abort(404)
    batch_id = review.batch_id
    form = ReviewDecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose to confirm or reject the near match."), "error")
        return _batch_page(_load_batch(batch_id), 400)
    confirm = form.decision.data == "confirm"
    try:
        services.decide_review(db.session(), review, confirm, current_user.id)
    except DomainError as exc:
        flash(exc.message, "error")
        return _batch_page(_load_batch(batch_id), 409)
    if confirm:
        flash(
            _(
                "Confirmed: %(name)s now has the status listed.",
                name=str(review.vendor or review.sub_processor),
            ),
            "success",
        )
    else:
        flash(
            _("Rejected: %(name)s was left unchanged.", name=str(review.vendor or review.sub_processor)),
            "success",
        )
    return redirect(url_for("imports.dpf_batch", batch_id=batch_id) + f"#review-{review_id}")
