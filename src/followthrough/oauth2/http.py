"""The few HTTP calls OAuth2 needs: a form POST or a GET answered with JSON.

TLS is verified with the system's trust store (urllib's default). Request bodies carry
secrets (codes, refresh tokens, client secrets), so nothing here logs a request, and an
error names the endpoint and the provider's error code, never what was sent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

TIMEOUT = 30.0
MAX_REPLY = 1024 * 1024


class ProviderError(Exception):
    """The provider answered with an OAuth2 error (RFC 6749 §5.2, RFC 8628 §3.5)."""

    def __init__(self, endpoint: str, error: str, description: str = "") -> None:
        self.endpoint = endpoint
        self.error = error
        self.description = description
        text = f"{where(endpoint)} answered {error}"
        super().__init__(f"{text}: {description}" if description else text)


class ProviderUnreachable(Exception):
    """The provider could not be reached, or did not answer with JSON."""


def where(url: str) -> str:
    """The host of an endpoint, for messages (no query string: it could hold a code)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _read(request: urllib.request.Request, timeout: float) -> dict[str, object]:
    url = request.full_url
    # A proxy from the environment is used, except for this machine's own loopback.
    opener = _DIRECT if urlsplit(url).hostname in _LOOPBACK else urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as reply:
            body = reply.read(MAX_REPLY)
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_REPLY)
        answer = _json(body)
        if answer is not None and isinstance(answer.get("error"), str):
            description = answer.get("error_description")
            raise ProviderError(url, str(answer["error"]),
                                str(description)[:400] if description else "") from None
        raise ProviderUnreachable(f"{where(url)} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProviderUnreachable(f"cannot reach {where(url)} ({reason})") from None
    answer = _json(body)
    if answer is None:
        raise ProviderUnreachable(f"{where(url)} did not answer with a JSON object")
    return answer


def _json(body: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _checked(url: str) -> str:
    """Only https, or plain http to this machine's loopback: a token never crosses a
    network in the clear (and no file: or other scheme is ever opened)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return url
    raise ProviderUnreachable(f"refusing {where(url)}: OAuth2 endpoints must be https")


def post_form(url: str, form: Mapping[str, str], timeout: float = TIMEOUT) -> dict[str, object]:
    data = urlencode(dict(form)).encode("ascii")
    request = urllib.request.Request(_checked(url), data=data, method="POST", headers={  # noqa: S310 (scheme checked)
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"})
    return _read(request, timeout)


def get_json(url: str, timeout: float = TIMEOUT) -> dict[str, object]:
    request = urllib.request.Request(_checked(url), headers={"Accept": "application/json"})  # noqa: S310 (scheme checked)
    return _read(request, timeout)
