"""
A small HTTP client for the system tests: one visitor with cookies, forms read from the
page as a browser would send them. Standard library only; no redirects are followed, so every
response's status is seen.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(action=attrs.get("action") or ""))
        elif not self.forms:
            return
        form = self.forms[-1] if self.forms else None
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form.fields.append((name, attrs.get("value", "on")))
            elif kind == "submit":
                form.buttons.append((name, attrs.get("value", "")))
            elif kind != "file":
                form.fields.append((name, attrs.get("value") or ""))
        elif tag == "button" and name:
            form.buttons.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            form.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.forms[-1].fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class HttpClient:
    def __init__(self, base_url: str, *, timeout: float = 30):
        url = urlsplit(base_url)
        self.host, self.port = url.hostname, url.port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            all_headers = {"Accept-Language": "sv", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            content = raw.read()
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(
                raw.status,
                {k.lower(): v for k, v in raw.getheaders()},
                content.decode("utf-8", "replace"),
            )
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]] | dict, referer: str = "") -> Response:
        body = urlencode(data).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": referer or f"http://{self.host}:{self.port}{path}",
        }
        return self.request("POST", path, body, headers)

    def submit(
        self, path: str, *, action: str = "", button: str | None = None, **changes
    ) -> Response:
        """
        Fetch the page at path, fill in its form as shown, change some fields and send it.
        The form is the last one that posts to the page itself, or, with `action`, the last
        one whose action ends with it.
        If the page itself cannot be fetched, its response is returned instead.
        """
        page = self.get(path)
        if page.status != 200:
            return page
        target = action or path
        form = [f for f in forms(page.body) if (f.action or path).endswith(target)][-1]
        data = [(k, v) for k, v in form.fields if k not in changes]
        data += list(changes.items())
        if button:
            data += [b for b in form.buttons if b[0] == button]
        return self.post(form.action or path, data, referer=f"http://{self.host}:{self.port}{path}")

    def login(self, username: str, password: str, path: str = "/konto/login/") -> None:
        response = self.submit(path, username=username, password=password)
        assert response.status == 302, f"sign-in as {username} failed ({response.status})"
