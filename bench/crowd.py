"""Readers who write, over HTTP: a flood of comments and 공감 on the site's posts.

Used by run.py's "busy" stage beside the owner's `Writer`: a `Crowd` thread sends, in turn, a
like and a comment to the given posts at `rate` requests a second in all, each from a reader
of its own (a User-Agent of its own: the site tells readers apart by address and browser, and
every request here comes from 127.0.0.1), so that no rate limit turns them away. A comment
goes through the post's own comment form, read from its page once (its timer is then old
enough for the form to count as typed by a person), and is held for approval, as a reader's
is; a like is the 공감 form's POST.
"""

import html
import itertools
import re
import time

from owner import Browser, Busy, filled, form_with


class Crowd(Busy):
    def __init__(self, base: str, post_paths: list[str], rate: float):
        super().__init__()
        self.base = base
        self.post_paths = post_paths
        self.rate = rate
        self.statuses: dict[str, dict[int, int]] = {"like": {}, "comment": {}}

    def work(self) -> None:
        reader = Browser(self.base, cookies=False)
        forms = {}  # a post's path: (its comment form's fields and action, its like's)
        for path in self.post_paths:
            page = reader.get(path).text
            actions = [
                html.unescape(action).split("#")[0]
                for action in re.findall(r'<form[^>]*action="([^"]+)"', page)
            ]
            comment = next(action for action in actions if action.endswith("/comments"))
            like = next(action for action in actions if action.endswith("/like"))
            forms[path] = (form_with(page, "body"), comment, like)
        # A comment sent at once from the page is too fast for a person: stored as spam.
        time.sleep(4)
        self.ready.set()
        started = time.monotonic()
        for number in itertools.count():
            # On a schedule, not after each answer: a slow site does not slow the flood.
            if self.stopping.wait(max(0.0, started + number / self.rate - time.monotonic())):
                break
            path = self.post_paths[number % len(self.post_paths)]
            reader = Browser(self.base, cookies=False, user_agent=f"Mozilla/5.0 Reader/{number}")
            fields, comment, like = forms[path]
            if number % 2:
                kind = "comment"
                form = filled(fields, None, name=f"독자 {number}", body=f"잘 읽었어요 {number}")
                answer = reader.post(comment, form)
            else:
                kind = "like"
                answer = reader.post(like, [])
            counts = self.statuses[kind]
            counts[answer.status] = counts.get(answer.status, 0) + 1

    def summary(self) -> str:
        parts = []
        for kind, counts in self.statuses.items():
            statuses = " ".join(f"{status}={n}" for status, n in sorted(counts.items()))
            parts.append(f"{kind}s {sum(counts.values())} ({statuses})")
        return ", ".join(parts)
