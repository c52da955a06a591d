"""The owner's import page: old plain-text posts pasted in, previewed, saved as drafts."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import importer
from ..extensions import db
from ..forms import TOO_LARGE
from ..rendering import TooLargeToRender
from . import bp
from .forms import ImportForm

# Why a line was left out, by the importer's reason key.
REASONS = {
    "no_headline": _l("A 기사제목: line without a headline."),
    "headline_too_long": _l("The headline is too long; it was cut."),
    "translation_without_quote": _l("A translation with no English quote above it."),
    "second_translation": _l("A second translation for the same quote."),
    "korean_before_quote": _l("Korean text before the first quote of the commentary."),
    "unplaced": _l("Belongs to no quote, translation, opinion or summary."),
}


@bp.route("/import", methods=["GET", "POST"])
def import_text():
    """Preview shows the posts read from the text; save makes them drafts (PRG).

    The typed text is always shown again unless the save succeeded; lines that fit nowhere
    are listed, and a save with such lines needs the owner's explicit consent.
    """
    form = ImportForm()
    result = None
    status = 200
    if form.validate_on_submit():
        result = importer.parse_text(form.text.data)
        if not result.posts:
            status = 400
            flash(_("No post could be read from this text. Nothing was saved."), "error")
        elif form.save.data and result.unclassified and not form.keep_going.data:
            status = 400
            flash(
                _(
                    "Nothing was saved: some lines could not be placed (listed below). "
                    "Fix them in the text, or choose to save without them."
                ),
                "error",
            )
        elif form.save.data:
            try:
                posts = importer.save_as_drafts(result.posts)
            except TooLargeToRender as error:  # the editors' bound on one post's Markdown
                db.session.rollback()
                form.text.errors.append(TOO_LARGE[error.kind])
                flash(_("Nothing was saved: please fix the marked fields."), "error")
                return render_template(
                    "admin/import.html", form=form, result=result, reasons=REASONS
                ), 400
            db.session.commit()
            flash(
                _("%(count)d drafts saved. Edit them to finish and publish.", count=len(posts)),
                "success",
            )
            return redirect(url_for("admin.index", state="draft"), code=303)
    elif form.errors:
        status = 400
    return render_template("admin/import.html", form=form, result=result, reasons=REASONS), status
