"""A throwaway Dovecot IMAP server on 127.0.0.1 for the tests and benchmarks.

Random ports, IMAPS with a certificate from a CA generated for this server only,
passwd-file users, Maildir storage, SPECIAL-USE Sent/Drafts/Trash/Junk. Everything lives
under one temporary directory that :meth:`Dovecot.stop` removes.

Run as root it drops privileges to Debian's own ``dovecot``/``dovenull`` accounts and
``nobody`` for the mail files; run as a normal user everything runs as that user.
"""

from __future__ import annotations

import base64
import email.utils
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import imapclient

DOVECOT = "/usr/sbin/dovecot"
INSTALL_HINT = ("Dovecot is not installed; the IMAP tests need a real server. Install it with "
                "`sudo apt-get install -y dovecot-imapd` (the README's test command does).")

_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = followthrough-test-{port}
log_path = {root}/log/dovecot.log
info_log_path = {root}/log/dovecot.log
{identity}
protocols = imap
listen = 127.0.0.1 127.0.0.2
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1 127.0.0.2
    port = {plain_port}
  }}
  inet_listener imaps {{
    address = {imaps_address}
    port = {port}
    ssl = yes
  }}
  chroot =
}}
service anvil {{
  chroot =
{anvil_extra}}}
{ssl_settings}
disable_plaintext_auth = {plaintext_disabled}
auth_mechanisms = plain login{oauth2_mechanisms}
auth_verbose = yes
{oauth2_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/users
  mechanisms = plain login
}}
# Users the tests make on the fly (Dovecot re-reads the passwd-file at most once a second).
passdb {{
  driver = static
  args = password=pw-%n-secret
  mechanisms = plain login
}}
userdb {{
  driver = static
  args = home={root}/mail/%n allow_all_users=yes
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
  mailbox Junk {{
    special_use = \\Junk
    auto = subscribe
  }}
  # Listed only once a test creates it.
  mailbox Archive {{
    special_use = \\Archive
  }}
}}
protocol imap {{
  mail_max_userip_connections = {max_connections}
}}
"""


# Dovecot's oauth2 passdb checking JWT access tokens itself (introspection_mode = local):
# the signature with a key from the key directory (<azp>/<alg>/<kid>, base64), then the
# expiry, the issuer and the scope. Real tokens, checked by the real server.
OAUTH2_ISSUER = "followthrough-test-issuer"
OAUTH2_SCOPE = "imap"
# The tests refuse tokens on purpose: no auth penalty (a delay growing to 15 s per refusal
# from 127.0.0.1), by keeping the auth process away from anvil's penalty socket.
_NO_AUTH_PENALTY = """\
  unix_listener anvil-auth-penalty {
    mode = 0
  }
"""
_OAUTH2_PASSDB = """\
auth_failure_delay = 0
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""
_OAUTH2_CONF = """\
introspection_mode = local
local_validation_key_dict = fs:posix:prefix={root}/oauth2-keys/
username_attribute = sub
issuers = {issuer}
scope = {scope}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_test_ca(tls_dir: Path, hostname: str = "localhost") -> None:
    """A CA and a server certificate for ``hostname`` and 127.0.0.1, signed by it."""
    tls_dir.mkdir(parents=True, exist_ok=True)
    t = str(tls_dir)
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=followthrough test CA", "-keyout", f"{t}/ca.key", "-out", f"{t}/ca.pem")
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={hostname}",
         "-keyout", f"{t}/server.key", "-out", f"{t}/server.csr")
    (tls_dir / "ext").write_text(f"subjectAltName=DNS:{hostname},IP:127.0.0.1\n")
    _run("openssl", "x509", "-req", "-in", f"{t}/server.csr", "-CA", f"{t}/ca.pem",
         "-CAkey", f"{t}/ca.key", "-CAcreateserial", "-days", "2", "-extfile", f"{t}/ext",
         "-out", f"{t}/server.pem")


class Dovecot:
    """One private Dovecot instance. ``start()``, ``add_user()``, load mail, ``stop()``."""

    def __init__(self, max_connections: int = 50, plaintext_disabled: bool = True,
                 tls: bool = True, oauth2: bool = False) -> None:
        if not Path(DOVECOT).exists():
            raise RuntimeError(INSTALL_HINT)
        # Not under pytest's 0700 tmp dir: Dovecot's unprivileged children must reach it.
        self.root = Path(tempfile.mkdtemp(prefix="followthrough-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.plain_port = free_port()
        self.host = "127.0.0.1"
        self.hostname = "localhost"
        self.ca_file = self.root / "tls" / "ca.pem"
        self.conf = self.root / "dovecot.conf"
        self.users: dict[str, str] = {}
        self._max_connections = max_connections
        self._plaintext_disabled = plaintext_disabled
        self.tls = tls  # False: no IMAPS listener and no STARTTLS (for refusal tests)
        self.oauth2 = oauth2  # True: also OAUTHBEARER and XOAUTH2 with JWT access tokens
        self.oauth2_keys = self.root / "oauth2-keys" / "default" / "HS256"
        self._sequence = 0
        self._users_stamp = 0.0
        self._as_root = os.geteuid() == 0
        self._mail_owner = pwd.getpwnam("nobody") if self._as_root else pwd.getpwuid(os.geteuid())

    # ---- lifecycle
    def _identity(self) -> str:
        if self._as_root:
            uid = self._mail_owner.pw_uid
            return (f"default_login_user = dovenull\ndefault_internal_user = dovecot\n"
                    f"mail_uid = {uid}\nmail_gid = {self._mail_owner.pw_gid}\n"
                    f"first_valid_uid = {uid}\nlast_valid_uid = {uid}\n"
                    f"first_valid_gid = {self._mail_owner.pw_gid}\n")
        me = self._mail_owner.pw_name
        return f"default_login_user = {me}\ndefault_internal_user = {me}\n"

    def write_config(self) -> None:
        self.conf.write_text(_CONF.format(
            root=self.root, port=self.port, plain_port=self.plain_port,
            identity=self._identity(), max_connections=self._max_connections,
            plaintext_disabled="yes" if self._plaintext_disabled else "no",
            imaps_address="127.0.0.1 127.0.0.2" if self.tls else "",
            oauth2_mechanisms=" oauthbearer xoauth2" if self.oauth2 else "",
            anvil_extra=_NO_AUTH_PENALTY if self.oauth2 else "",
            oauth2_passdb=_OAUTH2_PASSDB.format(root=self.root) if self.oauth2 else "",
            ssl_settings=(f"ssl = yes\nssl_cert = <{self.root}/tls/server.pem\n"
                          f"ssl_key = <{self.root}/tls/server.key\nssl_min_protocol = TLSv1.2"
                          if self.tls else "ssl = no")))

    def start(self) -> Dovecot:
        for sub in ("run", "state", "log", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        if not self.ca_file.exists():
            make_test_ca(self.root / "tls", self.hostname)
        (self.root / "users").touch()
        (self.root / "users").chmod(0o644)
        if self.oauth2:
            self.oauth2_keys.mkdir(parents=True, exist_ok=True)
            (self.root / "oauth2.conf.ext").write_text(_OAUTH2_CONF.format(
                root=self.root, issuer=OAUTH2_ISSUER, scope=OAUTH2_SCOPE))
        self.write_config()
        self._fix_ownership()
        subprocess.run([DOVECOT, "-c", str(self.conf)], check=True)
        deadline = time.monotonic() + 15
        probe = self.port if self.tls else self.plain_port
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, probe), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start; its log:\n{self.log()}")

    def stop(self, remove: bool = False) -> None:
        subprocess.run([DOVECOT, "-c", str(self.conf), "stop"], stderr=subprocess.DEVNULL,
                       check=False)
        deadline = time.monotonic() + 10
        pid_file = self.root / "run" / "master.pid"
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def reload(self) -> None:
        """Re-read the config; new auth processes (so OAuth2 keys are looked up afresh)."""
        subprocess.run([DOVECOT, "-c", str(self.conf), "reload"], check=True)
        time.sleep(0.5)

    def trust_oauth2_key(self, key_id: str, secret: bytes) -> None:
        """Accept tokens signed (HS256) with ``secret`` under key id ``key_id``."""
        (self.oauth2_keys / key_id).write_text(base64.b64encode(secret).decode("ascii"))
        (self.oauth2_keys / key_id).chmod(0o644)

    def withdraw_oauth2_key(self, key_id: str) -> None:
        """Stop accepting tokens signed under ``key_id`` (their issuer revoked them)."""
        (self.oauth2_keys / key_id).unlink(missing_ok=True)
        self.reload()

    def is_running(self) -> bool:
        try:
            socket.create_connection((self.host, self.port), 0.2).close()
        except OSError:
            return False
        return True

    def _fix_ownership(self) -> None:
        if not self._as_root:
            return
        owner = f"{self._mail_owner.pw_uid}:{self._mail_owner.pw_gid}"
        for sub in ("mail", "log"):
            subprocess.run(["chown", "-R", owner, str(self.root / sub)], check=True)

    # ---- users and mail
    def add_user(self, name: str, password: str) -> None:
        self.users[name] = password
        users = self.root / "users"
        with users.open("a") as out:
            out.write(f"{name}:{{PLAIN}}{password}\n")
        # Dovecot re-reads a passwd-file when its mtime (whole seconds) changes.
        self._users_stamp = max(time.time(), self._users_stamp + 1)
        os.utime(users, (self._users_stamp, self._users_stamp))
        self.maildir(name, "INBOX").mkdir(parents=True, exist_ok=True)
        self._fix_ownership()

    def new_user(self, name: str) -> str:
        """A user known at once, with the password ``pw-<name>-secret`` (static passdb).
        Dovecot lowercases user names, so the name is lowercased here too."""
        name = name.lower()
        self.users[name] = f"pw-{name}-secret"
        self.maildir(name, "INBOX").mkdir(parents=True, exist_ok=True)
        self._fix_ownership()
        return name

    def maildir(self, user: str, folder: str) -> Path:
        base = self.root / "mail" / user / "Maildir"
        return base if folder.upper() == "INBOX" else base / ("." + folder.replace("/", "."))

    def load_maildir(self, user: str, folder: str, raws: Iterable[bytes],
                     flags: str = "S") -> int:
        """Write messages straight into the Maildir: fast; Dovecot indexes them when opened."""
        target = self.maildir(user, folder)
        for sub in ("cur", "new", "tmp"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        count = 0
        for raw in raws:
            self._sequence += 1
            stamp = _message_time(raw)
            name = f"{int(stamp)}.M{self._sequence}P{os.getpid()}.test,S={len(raw)}:2,{flags}"
            path = target / "cur" / name
            path.write_bytes(raw)
            os.utime(path, (stamp, stamp))
            count += 1
        self._fix_ownership()
        return count

    def client(self, user: str) -> imapclient.IMAPClient:
        """A logged-in IMAPS client trusting the test CA (for tests to arrange and inspect)."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        client = imapclient.IMAPClient(self.hostname, port=self.port, ssl=True,
                                       ssl_context=context, timeout=30)
        client.login(user, self.users[user])
        return client

    def append(self, user: str, folder: str, raws: Iterable[bytes],
               flags: tuple[bytes, ...] = ()) -> list[int]:
        """APPEND each message over IMAP; returns the UIDs the server gave them."""
        uids: list[int] = []
        with self.client(user) as imap:
            if not imap.folder_exists(folder):
                imap.create_folder(folder)
            for raw in raws:
                response = imap.append(folder, raw, flags=flags)
                uids.append(_appended_uid(response))
        return uids

    # ---- inspection
    def doveadm(self, *args: str) -> str:
        done = subprocess.run(["doveadm", "-c", str(self.conf), *args], capture_output=True,
                              text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"doveadm {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def status(self, user: str, folder: str,
               fields: str = "messages highestmodseq uidvalidity uidnext") -> dict[str, int]:
        out = self.doveadm("-f", "flow", "mailbox", "status", "-u", user, fields, folder)
        values: dict[str, int] = {}
        for token in out.split():
            key, equals, value = token.partition("=")
            if equals and value.isdigit():
                values[key] = int(value)
        return values

    def flags(self, user: str, folder: str) -> dict[int, str]:
        """UID → flags of every message in ``folder``, as doveadm reports them."""
        out = self.doveadm("-f", "tab", "fetch", "-u", user, "uid flags", "mailbox", folder)
        rows = out.splitlines()[1:]
        return {int(uid): flags for uid, _, flags in (row.partition("\t") for row in rows)}

    def log(self) -> str:
        path = self.root / "log" / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _message_time(raw: bytes) -> float:
    head = raw.split(b"\n\n", 1)[0].decode("latin-1")
    for line in head.splitlines():
        if line.lower().startswith("date:"):
            try:
                return email.utils.parsedate_to_datetime(line[5:].strip()).timestamp()
            except (TypeError, ValueError, IndexError):
                break
    return time.time()


def _appended_uid(response: bytes) -> int:
    # "[APPENDUID <uidvalidity> <uid>] Append completed." (RFC 4315, UIDPLUS)
    text = response.decode("ascii", "replace")
    marker = text.find("APPENDUID")
    if marker < 0:
        raise RuntimeError(f"server did not report APPENDUID: {text}")
    return int(text[marker:].split()[2].rstrip("]"))
