"""Reading a public web page for the owner, so that an address can never reach inside (SSRF).

SECURITY.md 39: the name is resolved once and every address it gives is checked; the check
is made again for every redirect; the connection goes to the address checked (a second
lookup could answer with another: DNS rebinding), with the certificate checked against the
name; one deadline covers the whole fetch; at most MAX_BYTES are read; no cookie is sent or
kept. (http.client takes no proxy from the environment: we connect where the check says.)
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from flask_babel import lazy_gettext as _l

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Shared address space (RFC 6598, carrier-grade NAT): not "private" to ipaddress, not public.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
# What a path or query may hold as it is; anything else (Hangul, spaces) is percent-encoded.
_URL_SAFE = "/%!$&'()*+,;=:@-._~"

# The answer's status for each reason: the owner's address is one the site will not read
# (400, even when a redirect led there: the page at that address cannot be had), or the
# remote site gave nothing to read (502, a bad gateway's answer), or did not answer in time
# (504). Each is a 4xx or 5xx so that a script or test never takes a refusal for a fill.
STATUS = {
    "not_web": 400,
    "refused_address": 400,
    "no_answer": 502,
    "not_secure": 502,
    "error_status": 502,
    "too_many_redirects": 502,
    "not_html": 502,
    "no_details": 502,
    "timed_out": 504,
}

NOT_WEB = _l("Give a web address starting with http:// or https://.")


class FetchRefused(Exception):
    """Why the page was not read: `reason` (a key of STATUS), `message` for the owner, and
    `status` for the answer that says so."""

    def __init__(self, reason: str, message):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = STATUS[reason]


@dataclass(frozen=True)
class Page:
    url: str  # where it was found, after redirects
    body: bytes  # at most MAX_BYTES: what was read
    charset: str | None  # as the Content-Type header names it


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the address is on the public internet: not loopback, private, link-local,
    multicast, reserved, unspecified, shared (100.64/10) or site-local, nor an IPv6 form
    wrapped around one of those (IPv4-mapped, 6to4)."""
    if address.version == 6:
        wrapped = address.ipv4_mapped or address.sixtofour
        if wrapped is not None:
            return is_public_address(wrapped)
        if address.is_site_local:
            return False
    elif address in _SHARED_ADDRESS_SPACE:
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def fetch_page(url: str, *, user_agent: str, timeout: float, allow_private: bool = False) -> Page:
    """The HTML page at `url`, following at most MAX_REDIRECTS redirects, all within
    `timeout` seconds. `allow_private` lets the tests read a server on 127.0.0.1."""
    deadline = time.monotonic() + timeout
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            target = _Target.of(url)
            addresses = _vetted_addresses(target, allow_private, deadline)
            with closing(_connection(target, addresses, deadline)) as connection:
                connection.request("GET", target.path, headers=_headers(user_agent))
                with connection.getresponse() as response:
                    location = response.getheader("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        url = urljoin(url, location.strip())
                        continue
                    return _page(url, response)
    except TimeoutError:
        raise FetchRefused(
            "timed_out",
            _l(
                "The article's site did not answer within %(seconds)s seconds. Try again, or "
                "fill in the details yourself.",
                seconds=f"{timeout:g}",
            ),
        ) from None
    except ssl.SSLCertVerificationError:
        raise FetchRefused(
            "not_secure",
            _l("The article's site has no valid certificate for its address: it was not read."),
        ) from None
    except (OSError, http.client.HTTPException):
        raise FetchRefused(
            "no_answer",
            _l(
                "The article's site did not answer. Check the address, or fill in the details "
                "yourself."
            ),
        ) from None
    raise FetchRefused(
        "too_many_redirects",
        _l(
            "The address redirected more than %(count)d times: it was not followed further.",
            count=MAX_REDIRECTS,
        ),
    )


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (an international name in its IDNA form)
    port: int
    path: str  # what the request line asks for: path and query

    @classmethod
    def of(cls, url: str) -> "_Target":
        try:
            parts = urlsplit(url)
            port = parts.port
            host = (parts.hostname or "").encode("idna").decode("ascii")
        except (ValueError, UnicodeError):  # a broken [host], a port past 65535, a bad name
            raise FetchRefused("not_web", NOT_WEB) from None
        if parts.scheme not in ("http", "https") or not host:
            raise FetchRefused("not_web", NOT_WEB)
        path = quote(parts.path or "/", safe=_URL_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_URL_SAFE + "?")
        default_port = 443 if parts.scheme == "https" else 80
        return cls(parts.scheme, host, port or default_port, path)


def _vetted_addresses(target: _Target, allow_private: bool, deadline: float) -> list:
    """(family, socket address) of each address the name resolves to, once every one of them
    is public: one private address among them could be the one connected to."""
    found = _resolve(target.host, target.port, deadline)
    addresses = list(dict.fromkeys((family, sockaddr) for family, *_, sockaddr in found))
    if not allow_private and not all(
        is_public_address(ipaddress.ip_address(sockaddr[0])) for _, sockaddr in addresses
    ):
        raise FetchRefused(
            "refused_address",
            _l(
                "This address leads to a private or local network, which the site never "
                "reads: give the article's public address."
            ),
        )
    return addresses


def _resolve(host: str, port: int, deadline: float) -> list:
    """getaddrinfo within the deadline: it has no time limit of its own, so it runs in a
    thread that is left to finish by itself if it takes too long."""
    answer: dict = {}

    def look_up() -> None:
        try:
            answer["found"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:  # an unknown name is a site that does not answer
            answer["error"] = error

    thread = threading.Thread(target=look_up, name="article-address", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if thread.is_alive():
        raise TimeoutError("the name was not resolved in time")
    if "error" in answer:
        raise answer["error"]
    return answer["found"]


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left


class _Deadline:
    """A socket whose every read waits at most until the fetch's deadline: a server sending
    a byte now and then cannot keep the fetch going (each read's own timeout would)."""

    deadline = 0.0

    def recv_into(self, *args, **kwargs):
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(*args, **kwargs)


class _DeadlineSocket(_Deadline, socket.socket):
    pass


class _DeadlineTLSSocket(_Deadline, ssl.SSLSocket):
    pass


def _open_socket(addresses: list, deadline: float) -> socket.socket:
    """A connection to the first of the vetted addresses that takes one."""
    failure: OSError = ConnectionError("no address")
    for family, sockaddr in addresses:
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect(sockaddr)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as error:
            sock.close()
            failure = error
    raise failure


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """http.client's connection, to the vetted address instead of the name looked up again."""

    def __init__(self, target: _Target, addresses: list, deadline: float):
        super().__init__(target.host, target.port)
        self.addresses, self.deadline = addresses, deadline

    def connect(self) -> None:
        self.sock = _open_socket(self.addresses, self.deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the name (and SNI names it)."""

    def __init__(self, target: _Target, addresses: list, deadline: float):
        self.tls = ssl.create_default_context()
        self.tls.sslsocket_class = _DeadlineTLSSocket
        super().__init__(target.host, target.port, context=self.tls)
        self.addresses, self.deadline = addresses, deadline

    def connect(self) -> None:
        sock = _open_socket(self.addresses, self.deadline)
        try:
            sock.settimeout(_remaining(self.deadline))  # the handshake's limit
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock.deadline = self.deadline


def _connection(target: _Target, addresses: list, deadline: float):
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, addresses, deadline)
    return _PinnedHTTPConnection(target, addresses, deadline)


def _headers(user_agent: str) -> dict[str, str]:
    # http.client adds Host and Accept-Encoding: identity (nothing compressed to inflate);
    # no Cookie, no Authorization, ever.
    return {
        "User-Agent": user_agent,
        "Accept": "text/html, application/xhtml+xml;q=0.9",
        "Connection": "close",
    }


def _page(url: str, response: http.client.HTTPResponse) -> Page:
    if not 200 <= response.status < 300:
        raise FetchRefused(
            "error_status",
            _l(
                "The article's site answered with an error (%(status)d): check the address.",
                status=response.status,
            ),
        )
    headers = response.headers
    # A page that names no type is read: its parse says whether it holds an article.
    if "Content-Type" in headers and headers.get_content_type() not in HTML_TYPES:
        raise FetchRefused(
            "not_html",
            _l(
                "This address is not a web page (it is %(type)s), so it has no article details.",
                type=headers.get_content_type()[:100],
            ),
        )
    try:
        body = response.read(MAX_BYTES)
    except http.client.IncompleteRead as cut:  # the server stopped early: read what came
        body = cut.partial
    return Page(url, body, headers.get_content_charset())
