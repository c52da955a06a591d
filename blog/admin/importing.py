"""The import page's reading of a text: the posts read, the owner's choices for each (its
date, whether to import a look-alike of a post already on the site, the answers to the
parser's questions) and the posts they make to save; and a file's text, said in which
encoding it was read."""

import hashlib
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..models import Post
from ..portability.import_text import (
    NotText,
    ParsedPost,
    ParseResult,
    Question,
    decode_text,
    look_alikes,
    parse_text,
)
from ..rendering import clean_text
from .forms import IMPORT_MAX_CHARACTERS, ImportForm, PostChoicesForm, QuestionForm

# Said in the preview: how a file's bytes were read (import_text.ENCODINGS).
READ_AS = {
    "utf-8": _l("%(name)s was read as UTF-8."),
    "utf-8-sig": _l("%(name)s was read as UTF-8 (with a BOM)."),
    "utf-16": _l("%(name)s was read as UTF-16."),
    "cp949": _l(
        "%(name)s was read as CP949, which includes EUC-KR: the encoding of older Korean "
        "Windows files."
    ),
}
NOT_TEXT = {
    "binary": _l(
        "This file is not plain text (a picture, a document or an archive?). Choose a .txt "
        "file, or paste the text."
    ),
    "encoding": _l(
        "This file could not be read: it is not UTF-8, UTF-16 or CP949 (EUC-KR) text. Save it "
        "as UTF-8 text and choose it again, or paste the text."
    ),
}
ANSWER_NEEDED = _l("Choose one to save.")
FILE_NAME_SHOWN = 80  # characters of a file's name said back


def read_file(form: ImportForm):
    """Put the chosen file's text in the form's text box and say how it was read (None
    when no file was chosen). A file that cannot be read, or beside typed text that it would
    replace, gets an error at the file field, and the box keeps what was typed."""
    upload = form.file.data
    if upload is None:
        return None
    if form.text.data.strip():
        form.file.errors.append(
            _l(
                "Choose a file or paste text, not both: empty the box to read the file, or "
                "preview the text without a file."
            )
        )
        return None
    try:
        text, encoding = decode_text(upload.read())
    except NotText as refusal:
        form.file.errors.append(NOT_TEXT[refusal.reason])
        return None
    text = clean_text(text)  # as a pasted text is cleaned
    if len(text) > IMPORT_MAX_CHARACTERS:
        form.file.errors.append(
            _l(
                "This file holds more than %(count)s characters: split it in two and import "
                "each part.",
                count=f"{IMPORT_MAX_CHARACTERS:,}",
            )
        )
        return None
    if not text.strip():
        form.file.errors.append(_l("This file is empty."))
        return None
    form.text.data = text
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:FILE_NAME_SHOWN]
    return READ_AS[encoding] % {"name": name}


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class PreviewedPost:
    """One post of the preview with the owner's choices for it."""

    read: ParsedPost  # as the parser read it
    choices: PostChoicesForm
    questions: list[tuple[Question, QuestionForm]]
    look_alike: Post | None

    @property
    def shown(self) -> ParsedPost:
        """The post as the owner's choices make it: what the preview shows and saving saves."""
        summaries = {
            question.block
            for question, form in self.questions
            if form.answer.data == "summary" and not form.answer.errors
        }
        return replace(
            self.read.answered(summaries),
            written_on=self.choices.date.data,
            written_at=self.choices.time.data if self.choices.date.data else None,
        )

    @property
    def skipped(self) -> bool:
        return self.look_alike is not None and self.choices.duplicate.data == "skip"


class Reading:
    """A text read for the preview, with the owner's choices as sent (`formdata`)."""

    def __init__(self, text: str, formdata: MultiDict):
        self.digest = text_digest(text)
        self.result = parse_text(text)
        seen: dict[str, int] = {}
        self.posts = []
        for parsed, look_alike in zip(
            self.result.posts, look_alikes(self.result.posts), strict=True
        ):
            seen[parsed.key] = seen.get(parsed.key, 0) + 1
            prefix = f"post-{parsed.key}" + (f"-{seen[parsed.key]}" if seen[parsed.key] > 1 else "")
            self.posts.append(
                PreviewedPost(
                    parsed,
                    _choices(parsed, formdata, prefix),
                    [
                        (question, QuestionForm(formdata, prefix=f"{prefix}-q{number}"))
                        for number, question in enumerate(parsed.questions, start=1)
                    ],
                    look_alike,
                )
            )
        self.valid = all(
            [post.choices.validate() for post in self.posts]
            + [form.validate() for post in self.posts for _, form in post.questions]
        )

    @property
    def shown(self) -> ParseResult:
        """What the preview shows: the posts as the owner's answers make them."""
        return ParseResult([post.shown for post in self.posts], self.result.unclassified)

    @property
    def field_count(self) -> int:
        """The fields the preview's form sends, besides the text and buttons."""
        return sum(2 + (post.look_alike is not None) + len(post.questions) for post in self.posts)

    def mark_unanswered(self) -> int:
        """Mark each choice that saving needs and the owner has not made (keep or skip a
        look-alike, answer a question); how many there are."""
        count = 0
        for post in self.posts:
            if post.look_alike is not None and not post.choices.duplicate.data:
                post.choices.duplicate.errors.append(ANSWER_NEEDED)
                count += 1
            for _, form in post.questions:
                if not form.answer.data:
                    form.answer.errors.append(ANSWER_NEEDED)
                    count += 1
        return count

    def posts_to_save(self) -> list[ParsedPost]:
        return [post.shown for post in self.posts if not post.skipped]


def _choices(parsed: ParsedPost, formdata: MultiDict, prefix: str) -> PostChoicesForm:
    """The owner's choices for this post; on its first preview its date is the one its text
    gives, if any (afterwards, what the owner left in the field, even blank)."""
    if any(f"{prefix}-{name}" in formdata for name in PostChoicesForm.FIELDS):
        return PostChoicesForm(formdata, prefix=prefix)
    return PostChoicesForm(
        formdata=None, prefix=prefix, date=parsed.written_on, time=parsed.written_at
    )


# --- a body refused as too large ---------------------------------------------------------
