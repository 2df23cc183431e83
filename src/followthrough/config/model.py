"""The configuration file: typed settings and their validation.

``load_config`` returns a frozen :class:`Config` or raises :class:`ConfigError` listing every
problem found, each naming the file, the key path and what is expected.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

from followthrough.config.oauth2_settings import OAuth2Settings, read_oauth2
from followthrough.config.paths import default_state_dir
from followthrough.config.reader import TableReader
from followthrough.errors import ConfigError, ConfigProblem

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SECURITY_MODES = ("tls", "starttls")
TRACK_MODES = ("two-way", "two-way-always", "groups-only")
DEFAULT_PORTS = {"tls": 993, "starttls": 143}
# The usual names of the folder of sent mail, when the server does not mark it \Sent.
SENT_FOLDER_NAMES = ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail",
                     "INBOX.Sent", "INBOX/Sent")


@dataclass(frozen=True)
class Account:
    name: str
    host: str
    username: str
    addresses: tuple[str, ...]
    review_folder: str | None  # None: the user's own Drafts folder (found on the server)
    port: int = 993
    security: str = "tls"
    password_command: str | None = None
    ca_file: Path | None = None
    folders: tuple[str, ...] | None = None  # None: INBOX plus the \Sent folder
    timeout: timedelta = timedelta(minutes=2)  # for any one network operation
    oauth2: OAuth2Settings | None = None  # None: the account logs in with a password

    @property
    def main_address(self) -> str:
        return self.addresses[0]


@dataclass(frozen=True)
class Schedule:
    sync_every: timedelta = timedelta(minutes=5)
    drafts_at: time = time(8, 30)


@dataclass(frozen=True)
class Cadence:
    default: timedelta = timedelta(days=30)
    track: str = "two-way"
    forget_after: timedelta = timedelta(days=365)
    nudge_after: timedelta | None = timedelta(days=7)  # None: nudges off
    max_drafts_per_day: int = 5
    work_days: frozenset[int] = frozenset(range(5))  # Monday = 0


@dataclass(frozen=True)
class Group:
    name: str
    members: tuple[str, ...]  # lower-case glob patterns
    cadence: timedelta | None = None


@dataclass(frozen=True)
class ContactRule:
    address: str  # lower-case
    cadence: timedelta | None = None
    ignore: bool = False


@dataclass(frozen=True)
class DraftStyle:
    signature: str | None = None
    template: Path | None = None


@dataclass(frozen=True)
class Config:
    path: Path
    state_dir: Path
    accounts: tuple[Account, ...]
    schedule: Schedule = field(default_factory=Schedule)
    cadence: Cadence = field(default_factory=Cadence)
    groups: tuple[Group, ...] = ()
    contacts: tuple[ContactRule, ...] = ()
    draft: DraftStyle = field(default_factory=DraftStyle)

    def account(self, name: str) -> Account | None:
        return next((a for a in self.accounts if a.name == name), None)


def _address_problem(text: str) -> str | None:
    local, at, domain = text.strip().rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text.strip()):
        return f"{text!r} is not an email address"
    return None


def _pattern_problem(text: str) -> str | None:
    if "@" not in text or any(c.isspace() for c in text.strip()):
        return f"{text!r} is not an address or a pattern such as \"*@example.com\""
    return None


def _resolve(base: Path, text: str) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


def _file_key(reader: TableReader, key: str, base: Path) -> Path | None:
    text = reader.string(key)
    if text is None:
        return None
    path = _resolve(base, text)
    if not path.is_file():
        reader.problem(key, f"names {str(path)!r}, which is not a readable file",
                       "the path of an existing file")
        return None
    return path


def _read_account(reader: TableReader, base: Path) -> Account | None:
    name = reader.string("name", required=True)
    host = reader.string("host", required=True)
    username = reader.string("username", required=True)
    security = reader.string("security", "tls", choices=SECURITY_MODES) or "tls"
    port = reader.integer("port", DEFAULT_PORTS[security], minimum=1, maximum=65535)
    password_command = reader.string("password_command")
    oauth2 = read_oauth2(reader, has_password_command=password_command is not None)
    ca_file = _file_key(reader, "ca_file", base)
    addresses = reader.string_list("addresses", check=_address_problem,
                                   expected="a list of your own email addresses")
    if not addresses and username and _address_problem(username) is None:
        addresses = (username,)
    elif not addresses and not reader.has("addresses"):
        reader.problem("addresses", "is missing (and username is not an email address)",
                       'your own addresses, e.g. addresses = ["me@example.com"]')
    elif addresses is not None and not addresses and reader.peek_list_is_empty("addresses"):
        reader.problem("addresses", "is an empty list (and username is not an email address)",
                       'your own addresses, e.g. addresses = ["me@example.com"]')
    folders = reader.string_list("folders") if reader.has("folders") else None
    if folders is not None and not folders and reader.has("folders"):
        reader.problem("folders", "is an empty list", 'folder names, e.g. ["INBOX", "Sent"]')
    review_folder = reader.string("review_folder") or None
    timeout = reader.duration("timeout", timedelta(minutes=2),
                              minimum=timedelta(seconds=1)) or timedelta(minutes=2)
    if folders and review_folder in folders:
        reader.problem("review_folder", f"{review_folder!r} is also listed in folders",
                       "a folder of its own that is not read as conversation")
    elif review_folder is not None and (review_folder.upper() == "INBOX" or review_folder.lower()
                                        in {n.lower() for n in SENT_FOLDER_NAMES}):
        reader.problem("review_folder", f"{review_folder!r} is read as conversation, so drafts "
                       "there would count as mail received or sent",
                       "no review_folder (drafts go to your Drafts folder) or a folder of its "
                       'own, e.g. "Follow-ups"')
    reader.finish()
    if not (name and host and username and addresses):
        return None
    return Account(name=name, host=host, username=username,
                   addresses=tuple(a.strip().lower() for a in addresses),
                   review_folder=review_folder, port=port, security=security,
                   password_command=password_command, ca_file=ca_file, folders=folders,
                   timeout=timeout, oauth2=oauth2)


def _read_schedule(reader: TableReader) -> Schedule:
    schedule = Schedule(
        sync_every=reader.duration("sync_every", Schedule.sync_every,
                                   minimum=timedelta(seconds=30)) or Schedule.sync_every,
        drafts_at=reader.clock("drafts_at", Schedule.drafts_at),
    )
    reader.finish()
    return schedule


def _read_cadence(reader: TableReader) -> Cadence:
    defaults = Cadence()
    days = reader.string_list("work_days", WEEKDAYS[:5],
                              check=lambda d: None if d in WEEKDAYS else f"{d!r} is not a day",
                              expected='days written "mon", "tue", ... "sun"')
    cadence = Cadence(
        default=reader.duration("default", defaults.default) or defaults.default,
        track=reader.string("track", defaults.track, choices=TRACK_MODES) or defaults.track,
        forget_after=reader.duration("forget_after", defaults.forget_after)
        or defaults.forget_after,
        nudge_after=reader.duration("nudge_after", defaults.nudge_after, allow_off=True),
        max_drafts_per_day=reader.integer("max_drafts_per_day", defaults.max_drafts_per_day,
                                          minimum=0, maximum=1000),
        work_days=frozenset(WEEKDAYS.index(d) for d in days or ()),
    )
    reader.finish()
    return cadence


def _read_group(reader: TableReader) -> Group | None:
    name = reader.string("name", required=True)
    cadence = reader.duration("cadence", None)
    members = reader.string_list("members", required=True, check=_pattern_problem,
                                 expected='addresses or patterns such as "*@bigco.com"')
    reader.finish()
    if not name or members is None:
        return None
    return Group(name=name, members=tuple(m.strip().lower() for m in members), cadence=cadence)


def _read_contact(reader: TableReader) -> ContactRule | None:
    address = reader.string("address", required=True)
    if address and (trouble := _address_problem(address)):
        reader.problem("address", trouble, "an email address")
        address = None
    rule = ContactRule(address=(address or "").strip().lower(),
                       cadence=reader.duration("cadence", None),
                       ignore=reader.boolean("ignore", False))
    reader.finish()
    return rule if address else None


def _report_duplicates(readers: list[TableReader], values: list[str | None], key: str,
                       what: str) -> None:
    seen: dict[str, int] = {}
    for index, (reader, value) in enumerate(zip(readers, values, strict=True), start=1):
        if value is None:
            continue
        if value in seen:
            reader.problem(key, f"{what} {value!r} is used again (first in entry {seen[value]})",
                           f"each {what} once")
        else:
            seen[value] = index


def parse_config(data: Mapping[str, object], path: Path) -> Config:
    """Validate an already-parsed TOML document; raise ConfigError listing every problem."""
    problems: list[ConfigProblem] = []
    root = TableReader(data, "", str(path), problems)
    base = path.parent
    state_text = root.string("state_dir")
    state_dir = _resolve(base, state_text) if state_text else default_state_dir()

    account_readers = root.table_list("account")
    accounts = [_read_account(r, base) for r in account_readers]
    if not account_readers and "account" not in data:
        root.problem("account", "is missing", "at least one [[account]] table")
    elif not account_readers and data.get("account") == []:
        root.problem("account", "is an empty list", "at least one [[account]] table")
    _report_duplicates(account_readers, [r.peek_string("name") for r in account_readers],
                       "name", "account name")

    schedule = _read_schedule(root.table("schedule"))
    cadence = _read_cadence(root.table("cadence"))
    group_readers = root.table_list("group")
    groups = [_read_group(r) for r in group_readers]
    _report_duplicates(group_readers, [r.peek_string("name") for r in group_readers], "name",
                       "group name")
    contact_readers = root.table_list("contact")
    contacts = [_read_contact(r) for r in contact_readers]
    _report_duplicates(contact_readers,
                       [(r.peek_string("address") or "").strip().lower() or None
                        for r in contact_readers], "address", "contact address")

    draft_reader = root.table("draft")
    draft = DraftStyle(signature=draft_reader.string("signature", nonempty=False),
                       template=_file_key(draft_reader, "template", base))
    draft_reader.finish()
    root.finish()
    if problems:
        raise ConfigError(problems)
    return Config(path=path, state_dir=state_dir,
                  accounts=tuple(a for a in accounts if a is not None),
                  schedule=schedule, cadence=cadence,
                  groups=tuple(g for g in groups if g is not None),
                  contacts=tuple(c for c in contacts if c is not None), draft=draft)


def load_config(path: Path) -> Config:
    """Read and validate the TOML file at ``path``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(
            str(path), "", "no such file",
            "a config file here (start from config/followthrough.example.toml), "
            "or --config PATH")]) from None
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(path), "", f"cannot be read: {exc.strerror}")]) \
            from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigProblem(str(path), "", f"is not UTF-8 text ({exc.reason})",
                                         "a UTF-8 encoded TOML file")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([ConfigProblem(str(path), "", f"is not valid TOML: {exc}",
                                         "TOML syntax (https://toml.io)")]) from None
    return parse_config(data, path)
