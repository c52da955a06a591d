"""Revisions: what changed between two saves, and whether an old one may come back (the
editor's rules; posts.saving.restore_revision brings it back)."""

import difflib
from dataclasses import dataclass

from .commentary.forms import CommentaryForm
from .diary.forms import DiaryForm
from .forms import form_problems, submitted
from .models import Revision
from .posts import schema

# The editor of each kind of post: its rules are the rules for every post data, typed or not.
EDITOR_FORMS = {"diary": DiaryForm, "commentary": CommentaryForm}


class SnapshotRefused(ValueError):
    """Post data (a revision, a post of an export) its editor would not save; says why."""


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str


def diff(older: Revision, newer: Revision) -> list[DiffLine]:
    """Line changes from `older` to `newer`, with three lines of context around each."""
    result = []
    for line in difflib.unified_diff(
        schema.lines(older.data), schema.lines(newer.data), n=3, lineterm=""
    ):
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
    """`snapshot` (post data, see posts.schema) as the editor of `kind` would save it if the owner
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
