"""``followthrough doctor`` for an OAuth2 account: the token source, the server's
``AUTH=`` mechanisms, the login; each ✗ with the likely fix."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from imapclient.exceptions import IMAPClientError

from followthrough.config.model import Account
from followthrough.doctor_check import Check
from followthrough.errors import FollowthroughError, LoginRefusedError
from followthrough.mail.imap_source import ImapSource, open_connection
from followthrough.mail.login import connect_oauth2
from followthrough.mail.sasl import NoOAuthMechanism, choose_mechanism, offered_mechanisms
from followthrough.oauth2.tokens import token_source

MailboxChecks = Callable[[Account, ImapSource], Iterator[Check]]


def _token_check(account: Account) -> Check:
    settings = account.oauth2
    assert settings is not None
    name = f"{account.name}: OAuth2 token"
    try:
        token = token_source(account).token()
    except FollowthroughError as exc:
        if settings.token_command:
            fix = ("run the command by hand: it must print an access token on its first line "
                   "(for oama: `oama access <address>`; it may need its own sign-in first)")
        else:
            fix = f"see the message; `followthrough login {account.name}` signs in again"
        return Check(name, False, str(exc), fix)
    return Check(name, True, f"an access token from {settings.source} ({len(token)} characters, "
                             "not shown)")


def _mechanism_check(account: Account) -> Check:
    settings = account.oauth2
    assert settings is not None
    name = f"{account.name}: mechanisms"
    try:
        client = open_connection(account)
    except FollowthroughError as exc:
        return Check(name, False, str(exc), "see the TLS check above")
    try:
        offered = offered_mechanisms(client.capabilities())
    finally:
        with contextlib.suppress(Exception):
            client.logout()
    listed = ", ".join("AUTH=" + m for m in offered) or "no AUTH= mechanism"
    try:
        chosen = choose_mechanism(settings.mechanism, offered)
    except NoOAuthMechanism:
        return Check(name, False, f"the server offers {listed}",
                     "this server does not take OAuth2 tokens: check `host` (Microsoft: "
                     "outlook.office365.com, Gmail: imap.gmail.com), or set oauth2_mechanism "
                     "to one it offers")
    return Check(name, True, f"{listed}; using {chosen}")


def check_oauth2_account(account: Account, network: Iterable[Check],
                         mailbox_checks: MailboxChecks) -> Iterator[Check]:
    label = f"{account.name}: "
    token = _token_check(account)
    yield token
    if not token.ok:
        return
    network_checks = list(network)
    yield from network_checks
    if not all(c.ok for c in network_checks):
        return
    mechanisms = _mechanism_check(account)
    yield mechanisms
    if not mechanisms.ok:
        return
    try:
        client = connect_oauth2(account, token_source(account))
    except LoginRefusedError as exc:
        yield Check(label + "login", False, exc.cause.split("; ", 1)[0],
                    exc.cause.split("; ", 1)[1] if "; " in exc.cause else "")
        return
    except FollowthroughError as exc:
        yield Check(label + "login", False, str(exc), "try again later")
        return
    yield Check(label + "login", True, f"logged in as {account.username} with a token")
    with contextlib.closing(ImapSource(client)) as imap:
        try:
            yield from mailbox_checks(account, imap)
        except (OSError, IMAPClientError) as exc:
            yield Check(label + "mailbox", False, f"server error: {exc}", "try again later")
