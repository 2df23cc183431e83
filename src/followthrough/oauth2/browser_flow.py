"""Signing in with a browser on this machine: authorization code with PKCE (RFC 7636) and a
loopback redirect (RFC 8252 §7.3). A one-request HTTP listener on 127.0.0.1 receives the
code; the code verifier never leaves this process except to the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import http.server
import secrets
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from followthrough.config.oauth2_settings import OAuth2Settings
from followthrough.errors import FollowthroughError
from followthrough.oauth2.diagnosis import provider_fix
from followthrough.oauth2.grants import TokenGrant, token_request
from followthrough.oauth2.providers import Endpoints, default_scopes, redirect_host

WAIT = 300.0
_PAGE = (b"<!doctype html><meta charset=utf-8><title>followthrough</title>"
         b"<p>followthrough: %s You can close this tab.</p>")


def pkce_pair() -> tuple[str, str]:
    """A code verifier (43-128 unreserved characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Redirect(http.server.BaseHTTPRequestHandler):
    server: _Listener

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        if "code" not in query and "error" not in query:
            self.send_error(404)
            return
        self.server.answer = {k: v[0] for k, v in query.items()}
        done = b"signed in." if "code" in query else b"the sign-in did not complete."
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(_PAGE % done)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request line holds the authorization code: never printed


class _Listener(http.server.HTTPServer):
    answer: dict[str, str] | None = None


def browser_sign_in(endpoints: Endpoints, settings: OAuth2Settings, account: str,
                    say: Callable[[str], None], open_browser: Callable[[str], object] | None,
                    port: int = 0, wait: float = WAIT) -> TokenGrant:
    if not endpoints.authorization:
        raise FollowthroughError("this provider has no browser sign-in endpoint; use "
                                 "`followthrough login --device ACCOUNT`")
    try:
        listener = _Listener(("127.0.0.1", port), _Redirect)
    except OSError as exc:
        raise FollowthroughError(f"cannot listen on 127.0.0.1:{port} for the sign-in "
                                 f"({exc.strerror}); try another --port") from None
    with listener:
        redirect_uri = f"http://{redirect_host(settings)}:{listener.server_address[1]}/"
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(24)
        query = {"response_type": "code", "client_id": settings.client_id or "",
                 "redirect_uri": redirect_uri, "scope": " ".join(default_scopes(settings)),
                 "state": state, "code_challenge": challenge, "code_challenge_method": "S256",
                 **dict(endpoints.authorization_extras)}
        url = f"{endpoints.authorization}?{urlencode(query)}"
        say(f"To sign in, open this address in a browser on this machine:\n\n  {url}\n")
        if open_browser is not None:
            open_browser(url)
        say(f"waiting for the sign-in (up to {wait / 60:.0f} min; Ctrl-C stops)")
        deadline = time.monotonic() + wait
        while listener.answer is None and time.monotonic() < deadline:
            listener.timeout = max(0.1, min(1.0, deadline - time.monotonic()))
            listener.handle_request()
        answer = listener.answer
    if answer is None:
        raise FollowthroughError("no sign-in arrived in time; run `followthrough login` again")
    if answer.get("state") != state:
        raise FollowthroughError("the sign-in answer did not match this request (state); "
                                 "run `followthrough login` again")
    if "error" in answer:
        error, description = answer["error"], answer.get("error_description", "")
        raise FollowthroughError(f"the provider refused the sign-in ({error}"
                                 f"{': ' + description[:300] if description else ''}); "
                                 + provider_fix(account, error, description))
    return token_request(endpoints.token_url, settings, {
        "grant_type": "authorization_code", "code": answer["code"],
        "redirect_uri": redirect_uri, "code_verifier": verifier})
