"""OAuth2 without a network: config keys and their problems, the SASL messages, the
mechanism choice, the provider presets, and the token source's refresh timing."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from followthrough.config.model import load_config
from followthrough.mail.sasl import (
    BearerExchange,
    NoOAuthMechanism,
    choose_mechanism,
    initial_response,
    offered_mechanisms,
)
from followthrough.oauth2.browser_flow import pkce_pair
from followthrough.oauth2.diagnosis import provider_fix
from followthrough.oauth2.grants import TokenGrant
from followthrough.oauth2.providers import endpoints_for
from followthrough.oauth2.tokens import _hold
from tests.config.test_config import MINIMAL, problems, write


def test_microsoft_and_google_presets(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL + """
        oauth2_provider = "microsoft"
        oauth2_client_id = "00000000-1111-2222-3333-444444444444"
        oauth2_tenant = "contoso.onmicrosoft.com"

        [[account]]
        name = "gmail"
        host = "imap.gmail.com"
        username = "me@gmail.com"
        oauth2_provider = "google"
        oauth2_client_id = "1234.apps.googleusercontent.com"
        oauth2_client_secret = "not-really-secret"
        oauth2_mechanism = "xoauth2"
        """))
    microsoft, google = (a.oauth2 for a in config.accounts)
    assert microsoft is not None and google is not None
    assert microsoft.flow == "device" and microsoft.mechanism == "auto"
    assert endpoints_for(microsoft).device == ("https://login.microsoftonline.com/"
                                               "contoso.onmicrosoft.com/oauth2/v2.0/devicecode")
    assert google.flow == "browser" and google.mechanism == "xoauth2"
    assert ("access_type", "offline") in endpoints_for(google).authorization_extras
    assert load_config(write(tmp_path, MINIMAL)).accounts[0].oauth2 is None  # a password


def test_token_command_account(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL + 'oauth2_token_command = "oama access me"\n'))
    settings = config.accounts[0].oauth2
    assert settings is not None and settings.token_command == "oama access me"
    assert settings.source == "oauth2_token_command"


@pytest.mark.parametrize(("lines", "expected"), [
    ('oauth2_token_command = "x"\noauth2_provider = "google"\noauth2_client_id = "c"',
     "oauth2_provider: is set together with oauth2_token_command"),
    ('oauth2_provider = "microsoft"', "oauth2_client_id: is missing"),
    ('oauth2_provider = "google"\noauth2_client_id = "c"\noauth2_tenant = "x"',
     "oauth2_tenant: applies to Microsoft only"),
    ('oauth2_provider = "custom"\noauth2_client_id = "c"\noauth2_scopes = ["a"]\n'
     'oauth2_issuer = "http://login.example.com"', "is not an https URL"),
    ('oauth2_provider = "google"\noauth2_client_id = "c"\noauth2_flow = "device"',
     "Google does not allow the Gmail scope in its device flow"),
    ('oauth2_client_id = "c"', "oauth2_client_id: is set, but the account signs in with a "
                               "password"),
    ('oauth2_token_command = "x"\npassword_command = "y"',
     "password_command: is set on an OAuth2 account"),
    ('oauth2_token_command = "x"\noauth2_client_id = "c"',
     "oauth2_client_id: only applies to the built-in sign-in"),
    ('oauth2_token_command = "x"\noauth2_mechanism = "plain"', "oauth2_mechanism: is 'plain'"),
])
def test_config_problems_name_key_and_fix(tmp_path: Path, lines: str, expected: str) -> None:
    found = problems(tmp_path, MINIMAL + lines + "\n")
    assert any(expected in p for p in found), found
    assert all("account[1]." in p for p in found), found


def test_sasl_initial_responses() -> None:
    assert initial_response("XOAUTH2", "me@example.com", "T0K", "h", 993) == \
        b"user=me@example.com\x01auth=Bearer T0K\x01\x01"
    assert initial_response("OAUTHBEARER", "a,b=c", "T0K", "imap.example.com", 993) == \
        b"n,a=a=2Cb=3Dc,\x01host=imap.example.com\x01port=993\x01auth=Bearer T0K\x01\x01"


def test_an_error_challenge_is_answered_and_kept() -> None:
    exchange = BearerExchange("OAUTHBEARER", "me", "T0K", "h", 993)
    assert exchange(b"").startswith(b"n,a=me,")
    assert exchange(b'{"status":"invalid_token","scope":"imap"}') == b"\x01"
    assert exchange.status == "invalid_token"
    xoauth2 = BearerExchange("XOAUTH2", "me", "T0K", "h", 993)
    xoauth2(b"")
    assert xoauth2(b"not json") == b"" and xoauth2.status is None
    assert "T0K" not in repr(exchange) and "T0K" not in repr(TokenGrant("T0K", 60, "R3F"))


def test_mechanism_choice() -> None:
    gmail = offered_mechanisms([b"IMAP4rev1", b"AUTH=XOAUTH2", b"AUTH=PLAIN",
                                b"AUTH=OAUTHBEARER"])
    outlook = offered_mechanisms([b"IMAP4rev1", b"AUTH=PLAIN", b"AUTH=XOAUTH2", b"SASL-IR"])
    assert choose_mechanism("auto", gmail) == "OAUTHBEARER"
    assert choose_mechanism("auto", outlook) == "XOAUTH2"
    assert choose_mechanism("xoauth2", gmail) == "XOAUTH2"
    with pytest.raises(NoOAuthMechanism, match="offers AUTH=PLAIN, AUTH=XOAUTH2"):
        choose_mechanism("oauthbearer", outlook)


def test_refresh_timing_and_fixes() -> None:
    assert _hold(TokenGrant("a", 3600), 1000.0).refresh_after == 1000.0 + 3600 - 300
    assert _hold(TokenGrant("a", 8), 0.0).refresh_after == 6.0  # a quarter before, if short
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and "=" not in challenge
    assert base64.urlsafe_b64decode(challenge + "=")  # 32 bytes, base64url
    assert "login test" in provider_fix("test", "invalid_grant", "AADSTS70008: expired")
    assert "admin consent" in provider_fix("test", "invalid_grant", "AADSTS65001: no consent")
    assert "blocks" in provider_fix("test", "access_denied", "AADSTS53003: blocked by policy")
    assert "scope" in provider_fix("test", "invalid_scope")
    assert "public client" in provider_fix("test", "invalid_client", "AADSTS7000218: secret")
