"""Logging in to an account, whatever its credentials: a password (``password_command`` or
the keyring), or an OAuth2 access token over OAUTHBEARER / XOAUTH2.

A refused token is renewed once (refreshed at the provider, or the helper command asked
again) and tried again; a second refusal is a LoginRefusedError that says what to fix.
"""

from __future__ import annotations

import imapclient

from followthrough.config.credentials import get_password
from followthrough.config.model import Account
from followthrough.errors import AccountError, LoginRefusedError
from followthrough.mail.imap_source import authenticate, connect, open_connection
from followthrough.mail.sasl import (
    BearerExchange,
    NoOAuthMechanism,
    choose_mechanism,
    offered_mechanisms,
)
from followthrough.oauth2.diagnosis import server_refusal_fix
from followthrough.oauth2.tokens import TokenSource, token_source


def log_in(account: Account) -> imapclient.IMAPClient:
    """A logged-in client for ``account``, or AccountError (LoginRefusedError when the
    server refused the credentials)."""
    if account.oauth2 is None:
        return connect(account, get_password(account))
    return connect_oauth2(account, token_source(account))


def connect_oauth2(account: Account, source: TokenSource) -> imapclient.IMAPClient:
    token = source.token()
    try:
        return connect_with_token(account, token)
    except LoginRefusedError:
        fresh = source.renew(token)
        if fresh is None:
            raise
    return connect_with_token(account, fresh)


def connect_with_token(account: Account, token: str) -> imapclient.IMAPClient:
    settings = account.oauth2
    assert settings is not None
    client = open_connection(account)
    try:
        mechanism = choose_mechanism(settings.mechanism, offered_mechanisms(client.capabilities()))
    except NoOAuthMechanism as exc:
        client.shutdown()
        raise AccountError(account.name, f"{exc}; set oauth2_mechanism to one it offers, or "
                                         "check `host`") from None
    exchange = BearerExchange(mechanism, account.username, token, account.host, account.port)
    try:
        authenticate(client, account, lambda: client.sasl_login(mechanism, exchange), token)
    except LoginRefusedError as exc:
        fix = server_refusal_fix(account.name, account.username, exchange.status,
                                 settings.source)
        raise LoginRefusedError(account.name, f"{exc.cause} ({mechanism}); {fix}") from None
    return client
