"""The test Dovecot itself: a real IMAPS server we log into with the test CA only."""

from __future__ import annotations

import ssl

import imapclient
import pytest

from tests.mailserver import Dovecot

MESSAGE = (b"From: Alice <alice@example.com>\r\nTo: me@example.com\r\n"
           b"Subject: hello\r\nMessage-ID: <m1@example.com>\r\n"
           b"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nHi there.\r\n")


def test_login_list_append_fetch(dovecot: Dovecot, mail_user: str) -> None:
    with dovecot.client(mail_user) as imap:
        names = {name for _, _, name in imap.list_folders()}
        assert {"INBOX", "Sent", "Drafts", "Trash", "Junk"} <= names
        sent = imap.find_special_folder(imapclient.imapclient.SENT)
        assert sent == "Sent"
        assert b"IDLE" in imap.capabilities() and b"CONDSTORE" in imap.capabilities()
    (uid,) = dovecot.append(mail_user, "INBOX", [MESSAGE])
    with dovecot.client(mail_user) as imap:
        imap.select_folder("INBOX", readonly=True)
        fetched = imap.fetch([uid], ["BODY.PEEK[]", "FLAGS"])
        assert fetched[uid][b"BODY[]"] == MESSAGE
        assert b"\\Seen" not in fetched[uid][b"FLAGS"]
    assert dovecot.status(mail_user, "INBOX")["messages"] == 1


def test_maildir_loading(dovecot: Dovecot, mail_user: str) -> None:
    dovecot.load_maildir(mail_user, "Sent", [MESSAGE, MESSAGE.replace(b"m1@", b"m2@")])
    assert dovecot.status(mail_user, "Sent")["messages"] == 2


def test_untrusted_certificate_is_refused(dovecot: Dovecot, mail_user: str) -> None:
    # The system trust store does not know the test CA.
    with pytest.raises(ssl.SSLCertVerificationError):
        imapclient.IMAPClient(dovecot.hostname, port=dovecot.port, ssl=True,
                              ssl_context=ssl.create_default_context(), timeout=10)
