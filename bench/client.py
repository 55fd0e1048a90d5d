"""A small HTTP client for the benchmarks: one keep-alive connection, cookies, forms.

Plain `http.client`, so what is measured is the server, not a client library's extras.
"""

import http.client
import re
import time
import urllib.parse

INPUT_RE = re.compile(rb'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status, self.headers, self.body, self.elapsed = status, headers, body, elapsed

    def field(self, name):
        """The value of the form field `name` on this page (the first one)."""
        for match in INPUT_RE.finditer(self.body):
            if match["name"].decode() == name:
                return match["value"].decode().replace("&amp;", "&")
        raise LookupError(f"no field {name!r} on the page")


class Browser:
    def __init__(self, port, *, timeout=60):
        self.port, self.timeout = port, timeout
        self.cookies = {}
        self.connection = None

    def _connect(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(self, method, path, *, data=None, headers=None):
        headers = dict(headers or {})
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers.setdefault("Referer", f"http://127.0.0.1:{self.port}{path}")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self._connect()
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            break
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return Response(response.status, dict(response.getheaders()), payload, elapsed)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def login(self, username, password):
        """Sign in through the site's login form (allauth), as a person would."""
        page = self.get("/accounts/login/")
        response = self.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": page.field("csrfmiddlewaretoken"),
                "login": username,
                "password": password,
            },
        )
        # allauth answers 302 to the next page when signed in (and also to "verify your e-mail").
        if response.status != 302 or "/confirm-email" in response.headers.get("Location", ""):
            raise RuntimeError(f"login as {username} failed: {response.status} {response.body[:300]!r}")
        return response

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None
