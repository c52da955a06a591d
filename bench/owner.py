"""The owner at the keyboard, over HTTP: logs in through the login form and saves posts
through the editors, as a browser would (the forms are read from the pages, CSRF token,
hidden `version` and block ids included, and sent back with the Save button).

Used by run.py's "under writes" stage: a `Writer` thread keeps saving while wrk reads.
"""

import gzip
import html
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar

BUTTON_TYPES = {"submit", "button", "image", "reset"}


class FormParser(HTMLParser):
    """Every <form> of a page: its fields as a browser would send them (checked radios and
    boxes only, no buttons, no disabled fields, nothing inside <template>)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._template_depth = 0
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in BUTTON_TYPES:
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            default = "on" if kind in ("radio", "checkbox") else ""
            self._form["fields"].append((name, attrs.get("value", default)))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"].append((self._select, attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "template":
            self._template_depth = max(0, self._template_depth - 1)
        elif self._template_depth:
            return
        elif tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # As in browsers, one newline right after <textarea> is not part of the value.
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._form["fields"].append((self._textarea, text))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_with(page: str, field: str) -> list[tuple[str, str]]:
    """The fields of the page's form that has a field named `field`."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if any(name == field for name, _ in form["fields"]):
            return form["fields"]
    raise LookupError(f"no form with a {field!r} field on the page")


def filled(
    fields: list[tuple[str, str]],
    button: str | None = "save",
    button_value: str = "y",
    **values: str,
) -> list[tuple[str, str]]:
    """The form's fields with some values replaced (or added), and a button pressed (its name
    and value: the editor's 저장 is save=y and keeps a post's visibility, a new post a draft)."""
    form = [(name, values.pop(name, value)) for name, value in fields]
    form += list(values.items())
    return form + ([(button, button_value)] if button else [])


# The editor's 발행 button: what a new post needs to be public (readers see no draft).
PUBLISH = ("visibility", "public")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.text = body.decode("utf-8", "replace")


class Browser:
    """A cookie-keeping client that does not follow redirects (a save answers 303). With
    `accept_gzip` it asks for gzip as browsers do (the page cache keeps that form of a page
    apart from the plain one) and reads the answer decompressed."""

    def __init__(
        self,
        base: str,
        cookies: bool = True,
        timeout: float = 30,
        accept_gzip: bool = False,
        user_agent: str | None = None,
    ):
        self.base = base
        self.timeout = timeout
        self.accept_gzip = accept_gzip
        self.user_agent = user_agent
        handlers = [_NoRedirect()]
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, form: list[tuple[str, str]] | None = None) -> Response:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        # As a browser says of a form sent from one of the site's own pages.
        headers = {"Sec-Fetch-Site": "same-origin"}
        if self.accept_gzip:
            headers["Accept-Encoding"] = "gzip"
        if self.user_agent:
            headers["User-Agent"] = self.user_agent
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                return Response(answer.status, answer.headers, self._body(answer))
        except urllib.error.HTTPError as answer:
            return Response(answer.code, answer.headers, self._body(answer))

    @staticmethod
    def _body(answer) -> bytes:
        body = answer.read()
        return gzip.decompress(body) if answer.headers.get("Content-Encoding") == "gzip" else body

    def get(self, path: str) -> Response:
        return self.request(path)

    def post(self, path: str, form: list[tuple[str, str]]) -> Response:
        return self.request(path, form)


def location_path(response: Response) -> str:
    parts = urllib.parse.urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def log_in(browser: Browser, username: str, password: str) -> None:
    fields = form_with(browser.get("/login").text, "username")
    # The login form's button has no name: nothing is sent for it.
    response = browser.post("/login", filled(fields, None, username=username, password=password))
    if response.status != 303:
        raise RuntimeError(f"login answered {response.status}")


def shown(title: str, page: str) -> bool:
    """Whether a title appears in a page as Jinja escapes it."""
    return html.escape(title) in page or html.escape(title, quote=False) in page


DIARY_BODY = (
    "필라테스할때마다 느끼는거지만, 코어가 없다.\n\n체중계 샀는데, 진짜 잘샀다.\n"
    "왜냐면 충격적인 몸무게를 보았기 때문에...\n\n**식단**도 해야지.."
)


class Busy(threading.Thread):
    """A daemon thread that keeps at its `work` until stopped: `ready` once it is at it (or
    failed), `error` what ended it, for the caller to report."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as error:  # reported by the caller
            self.error = error
        finally:
            self.ready.set()

    def work(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)


class Writer(Busy):
    """Logs in, creates one commentary, then until stopped saves in turn a new diary entry
    (GET /diary/new, POST it) and an edit of that commentary (GET its editor, POST it with a
    new headline), waiting `pause` seconds after each save (none by default).

    Each save is timed from sending the POST to its answer; a save is good when it answers
    303. After each good save a reader without cookies fetches the post's page (and, for a
    new entry, the home page) and checks that the new title is there.
    """

    def __init__(self, base: str, username: str, password: str, pause: float = 0.0):
        super().__init__()
        self.base = base
        self.username = username
        self.password = password
        self.pause = pause
        self.owner = Browser(base)
        # The readers of the page cache's gzip form, as wrk's are (run.py sends gzip).
        self.reader = Browser(base, cookies=False, accept_gzip=True)
        self.save_ms: list[float] = []
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []
        self.stale: list[str] = []
        self.last_diary: tuple[str, str] | None = None  # (title, path)
        self.last_commentary: tuple[str, str] | None = None

    def work(self) -> None:
        log_in(self.owner, self.username, self.password)
        commentary_path = self._create_commentary()
        # The figures are for the saves made under load, not for this first one.
        self.save_ms.clear()
        self.statuses.clear()
        self.ready.set()
        number = 0
        while not self.stopping.is_set():
            number += 1
            self._new_diary_entry(number)
            if self.stopping.wait(self.pause):
                break
            self._edit_commentary(commentary_path, number)
            self.stopping.wait(self.pause)

    def _save(self, path: str, form: list[tuple[str, str]], title: str) -> str | None:
        started = time.perf_counter()
        response = self.owner.post(path, form)
        self.save_ms.append((time.perf_counter() - started) * 1000)
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if response.status != 303:
            self.failures.append(f"POST {path}: {response.status}")
            return None
        return location_path(response)

    def _check_fresh(self, title: str, *paths: str) -> None:
        for path in paths:
            page = self.reader.get(path)
            if page.status != 200 or not shown(title, page.text):
                self.stale.append(f"{path} ({page.status}) without {title!r}")

    def _create_commentary(self) -> str:
        fields = form_with(self.owner.get("/commentary/new").text, "headline")
        title = "Writers keep saving while readers read: commentary 0"
        form = filled(
            fields,
            *PUBLISH,
            headline=title,
            outlet="Reuters",
            url="https://www.reuters.com/technology/",
            summary="기사를 요약하자면 **투자**가 계속된다.",
            tags="AI, 영어공부",
            **{
                "blocks-0-quote": "For AI right now, there's too much capital expenditure.",
                "blocks-0-translation": "현재 AI에는 자본 지출이 너무 많다.",
                "blocks-0-opinion": "맞는 말이다.",
            },
        )
        path = self._save("/commentary/new", form, title)
        if path is None:
            raise RuntimeError(f"creating the commentary failed: {self.failures[-1]}")
        self.last_commentary = (title, path)
        return path

    def _new_diary_entry(self, number: int) -> None:
        fields = form_with(self.owner.get("/diary/new").text, "body")
        title = f"부하 중 저장한 일기 {number}"
        form = filled(
            fields, *PUBLISH, title=title, body=f"{DIARY_BODY}\n\n{number}번째.", tags="식단"
        )
        path = self._save("/diary/new", form, title)
        if path is not None:
            self.last_diary = (title, path)
            self._check_fresh(title, path, "/")

    def _edit_commentary(self, path: str, number: int) -> None:
        fields = form_with(self.owner.get(f"{path}/edit").text, "headline")
        title = f"Writers keep saving while readers read: edit {number}"
        saved = self._save(f"{path}/edit", filled(fields, headline=title), title)
        if saved is not None:
            self.last_commentary = (title, saved)
            self._check_fresh(title, saved)

    def summary(self) -> dict:
        times = sorted(self.save_ms)
        return {
            "saves": len(times),
            "failed": len(self.failures),
            "statuses": dict(sorted(self.statuses.items())),
            "median_ms": statistics.median(times) if times else 0.0,
            "p99_ms": percentile(times, 99),
            "max_ms": times[-1] if times else 0.0,
            "stale": len(self.stale),
        }


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile of sorted values."""
    if not values:
        return 0.0
    rank = max(1, -(-len(values) * p // 100))  # ceil
    return values[int(rank) - 1]
