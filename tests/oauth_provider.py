"""A small OAuth2 authorization server on 127.0.0.1 for the tests: a stand-in for the
endpoints of Microsoft, Google or a company's issuer (the real ones are out of reach).

It publishes RFC 8414 metadata, runs the device authorization grant (RFC 8628; the test
plays the user with :meth:`approve`), the authorization code grant with PKCE (RFC 7636; the
authorization endpoint approves at once and redirects, as a browser would after the user
signs in), and refresh. Access tokens are real JWTs signed with HS256 under ``key_id``,
which the Dovecot fixture is told to trust, so the real server checks them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import secrets
import threading
import time
from collections import Counter
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.mailserver import OAUTH2_ISSUER, OAUTH2_SCOPE, Dovecot

CLIENT_ID = "followthrough-test-client"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Provider:
    def __init__(self, dovecot: Dovecot, user: str, access_lifetime: int = 3600) -> None:
        self.dovecot = dovecot
        self.user = user
        self.access_lifetime = access_lifetime  # the JWT's real "exp"
        self.claimed_lifetime: int | None = None  # what expires_in says, when it lies
        self.rotate_refresh_tokens = False
        self.requests: Counter[str] = Counter()
        self.issued: list[str] = []  # every token and code handed out, for leak scans
        self._refresh_tokens: set[str] = set()
        self._devices: dict[str, dict[str, object]] = {}
        self._codes: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self.new_key()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- what the test does as the user or the issuer's admin
    def new_key(self) -> None:
        """Sign from now on with a new key the server trusts."""
        self.key_id = "k" + secrets.token_hex(4)
        self.secret = secrets.token_bytes(32)
        self.dovecot.trust_oauth2_key(self.key_id, self.secret)

    def approve(self, user_code: str) -> None:
        with self._lock:
            for device in self._devices.values():
                if device["user_code"] == user_code:
                    device["approved"] = True
                    return
        raise KeyError(user_code)

    def revoke(self) -> None:
        """The user (or an admin) revoked the app: refresh tokens stop working and the key
        that signed its access tokens is withdrawn from the server."""
        with self._lock:
            self._refresh_tokens.clear()
        self.dovecot.withdraw_oauth2_key(self.key_id)
        self.new_key()

    def refresh_token(self) -> str:
        """A refresh token, as if the user had signed in earlier."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._refresh_tokens.add(token)
        self.issued.append(token)
        return token

    def access_token(self, lifetime: int | None = None, user: str | None = None) -> str:
        now = int(time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": self.key_id}).encode())
        claims = {"sub": user or self.user, "iss": OAUTH2_ISSUER, "scope": OAUTH2_SCOPE,
                  "iat": now, "exp": now + (self.access_lifetime if lifetime is None
                                            else lifetime)}
        body = _b64(json.dumps(claims).encode())
        signature = hmac.new(self.secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
        token = f"{header}.{body}.{_b64(signature)}"
        self.issued.append(token)
        return token

    # ---- endpoints
    def metadata(self) -> dict[str, object]:
        return {"issuer": self.url, "token_endpoint": f"{self.url}/token",
                "authorization_endpoint": f"{self.url}/authorize",
                "device_authorization_endpoint": f"{self.url}/device"}

    def device(self, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client"}
        device_code, user_code = secrets.token_urlsafe(24), secrets.token_hex(4).upper()
        with self._lock:
            self._devices[device_code] = {"user_code": user_code, "approved": False}
        self.issued.append(device_code)
        return 200, {"device_code": device_code, "user_code": user_code,
                     "verification_uri": f"{self.url}/activate", "expires_in": 60,
                     "interval": 1}

    def authorize(self, query: dict[str, str]) -> str:
        """Where the browser goes next: the redirect URI with a code (the user said yes)."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {"challenge": query.get("code_challenge", ""),
                                 "method": query.get("code_challenge_method", ""),
                                 "redirect_uri": query["redirect_uri"],
                                 "client_id": query.get("client_id", "")}
        self.issued.append(code)
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        grant = form.get("grant_type", "")
        self.requests[grant] += 1
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client"}
        with self._lock:
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                device = self._devices.get(form.get("device_code", ""))
                if device is None:
                    return 400, {"error": "expired_token"}
                if not device["approved"]:
                    return 400, {"error": "authorization_pending"}
                del self._devices[form["device_code"]]
            elif grant == "authorization_code":
                request = self._codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                expected = _b64(hashlib.sha256(verifier.encode()).digest())
                if request is None or request["method"] != "S256" \
                        or request["challenge"] != expected \
                        or request["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant",
                                 "error_description": "code, PKCE verifier or redirect_uri "
                                                      "does not match"}
            elif grant == "refresh_token":
                presented = form.get("refresh_token", "")
                if presented not in self._refresh_tokens:
                    return 400, {"error": "invalid_grant", "error_description":
                                 "AADSTS70008: The refresh token has expired or was revoked."}
                if self.rotate_refresh_tokens:
                    self._refresh_tokens.discard(presented)
            else:
                return 400, {"error": "unsupported_grant_type"}
            reply: dict[str, object] = {
                "token_type": "Bearer", "access_token": self.access_token(),
                "expires_in": self.claimed_lifetime or self.access_lifetime,
                "scope": OAUTH2_SCOPE}
            if grant != "refresh_token" or self.rotate_refresh_tokens:
                refresh = secrets.token_urlsafe(32)
                self._refresh_tokens.add(refresh)
                self.issued.append(refresh)
                reply["refresh_token"] = refresh
        return 200, reply


def _handler(provider: Provider) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/oauth-authorization-server":
                self._send(200, provider.metadata())
            elif parts.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.end_headers()
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlsplit(self.path).path
            if path == "/device":
                self._send(*provider.device(form))
            elif path == "/token":
                self._send(*provider.token(form))
            else:
                self._send(404, {"error": "not_found"})

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
