"""Revisions: what changed between two saves, and whether an old one may come back (the
editor's rules; posts.saving.restore_revision brings it back)."""

import difflib
from dataclasses import dataclass

from flask_babel import gettext as _

from .commentary.forms import CommentaryForm
from .diary.forms import DiaryForm
from .forms import form_problems, submitted
from .models import Revision

# The editor of each kind of post: its rules are the rules for every post data, typed or not.
EDITOR_FORMS = {"diary": DiaryForm, "commentary": CommentaryForm}


class SnapshotRefused(ValueError):
    """Post data (a revision, a post of an export) its editor would not save; says why."""


def _lines(data: dict) -> list[str]:
    """A revision as labelled lines of text, in the order the editor shows them."""
    lines = [f"{_('Title')}: {data['title']}"]
    if data["kind"] == "commentary":
        for key, label in (
            ("outlet", _("Outlet")),
            ("source_url", _("Article address (URL)")),
            ("author", _("Author")),
            ("published_on", _("Article date")),
        ):
            lines.append(f"{label}: {data.get(key) or ''}")
        lines += [f"{_('Lead')}:", *data["lead"].splitlines()]
        for number, block in enumerate(data["blocks"], start=1):
            lines.append(f"— {_('Quote %(number)s', number=number)}")
            lines += block["quote"].splitlines()
            lines += [f"{_('Translation')}:", *block["translation"].splitlines()]
            lines += [f"{_('My opinion')}:", *block["opinion"].splitlines()]
        lines += [f"{_('Summary')}:", *data["body"].splitlines()]
        lines += [f"{_('Closing thoughts')}:", *data["closing"].splitlines()]
    else:
        lines += [f"{_('Text')}:", *data["body"].splitlines()]
    lines.append(f"{_('Tags')}: {', '.join(data['tags'])}")
    lines.append(f"{_('Visibility')}: {data['visibility']} {data['published_at'] or ''}")
    return lines


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str


def diff(older: Revision, newer: Revision) -> list[DiffLine]:
    """Line changes from `older` to `newer`, with three lines of context around each."""
    result = []
    for line in difflib.unified_diff(_lines(older.data), _lines(newer.data), n=3, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            result.append(DiffLine("gap", "…"))
        elif line.startswith("+"):
            result.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("removed", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return result


def checked(snapshot: dict, kind: str) -> dict:
    """`snapshot` (Post.snapshot()'s shape) as the editor of `kind` would save it if the owner
    had typed it: cleaned by its filters, or SnapshotRefused naming each broken rule."""
    form_class = EDITOR_FORMS.get(kind)
    if form_class is None or snapshot.get("kind") != kind:
        raise SnapshotRefused(f"kind {snapshot.get('kind')!r} is not {kind!r}")
    try:
        form = submitted(form_class, form_class.formdata_for(snapshot))
    except (KeyError, ValueError) as error:
        raise SnapshotRefused(f"{error} (missing or not what the editor sends)") from None
    if form.errors:
        raise SnapshotRefused("; ".join(form_problems(form)))
    return {"kind": kind, **form.cleaned(snapshot)}
