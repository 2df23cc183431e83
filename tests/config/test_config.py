"""Config validation: every mistake named by file, key path and what is expected."""

from __future__ import annotations

import shutil
import textwrap
from datetime import time, timedelta
from pathlib import Path

import pytest

from followthrough.config.model import load_config
from followthrough.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "followthrough.example.toml"

MINIMAL = """
[[account]]
name = "work"
host = "imap.example.com"
username = "me@example.com"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    messages = [str(p) for p in caught.value.problems]
    assert all(m.startswith(str(path)) for m in messages), messages
    return messages


def test_example_config_is_valid_and_complete() -> None:
    config = load_config(EXAMPLE)
    account = config.accounts[0]
    assert account.name == "work"
    assert account.port == 993 and account.security == "tls"
    assert account.addresses == ("me@example.com", "me@old.example.com")
    assert account.folders is None  # commented out: every folder with conversation
    assert account.review_folder is None  # the user's own Drafts folder
    assert config.schedule.drafts_at == time(8, 30)
    assert config.schedule.sync_every == timedelta(minutes=5)
    assert config.cadence.default == timedelta(days=30)
    assert config.cadence.nudge_after == timedelta(days=7)
    assert config.cadence.work_days == frozenset(range(5))
    assert config.groups[0].members == ("alice@example.com", "*@bigco.com")
    assert config.contacts[0].cadence == timedelta(days=7)
    assert config.draft.signature == "Sam"


def test_minimal_config_gets_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    account = config.accounts[0]
    assert account.addresses == ("me@example.com",)
    assert account.folders is None
    assert account.review_folder is None
    assert config.cadence.track == "two-way"
    assert config.cadence.max_drafts_per_day == 5


def test_state_dir_relative_to_config_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'state_dir = "state"\n' + MINIMAL))
    assert config.state_dir == tmp_path / "state"


def test_state_dir_defaults_to_xdg_state_home(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    config = load_config(write(tmp_path, MINIMAL))
    assert config.state_dir == tmp_path / "xdg" / "followthrough"


def test_starttls_defaults_to_port_143(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL + 'security = "starttls"\n'))
    assert config.accounts[0].port == 143


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + "[cadence\n")
    assert "is not valid TOML" in message and "line" in message


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + '[cadance]\ndefault = "30d"\n')
    assert ": cadance: is not a known setting" in message
    assert 'expected "cadence"' in message


def test_unknown_nested_key(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + '[cadence]\ndefualt = "30d"\n')
    assert "cadence.defualt: is not a known setting" in message and '"default"' in message


def test_wrong_type(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + 'port = "993"\n')
    assert "account[1].port: is the string \"993\"; expected an integer" in message


def test_bool_is_not_an_integer(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + "[cadence]\nmax_drafts_per_day = true\n")
    assert "cadence.max_drafts_per_day: is the boolean true; expected an integer" in message


def test_bad_duration(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + '[cadence]\ndefault = "30 days"\n')
    assert "cadence.default: is '30 days', which is not a duration" in message
    assert '"30d"' in message


def test_nudge_after_accepts_off(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL + '[cadence]\nnudge_after = "off"\n'))
    assert config.cadence.nudge_after is None


@pytest.mark.parametrize("field", ["name", "host", "username"])
def test_missing_account_field(tmp_path: Path, field: str) -> None:
    text = "\n".join(line for line in MINIMAL.splitlines() if not line.startswith(field))
    messages = problems(tmp_path, text)
    assert any(f"account[1].{field}: is missing" in m for m in messages), messages


def test_no_account_at_all(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, '[cadence]\ndefault = "30d"\n')
    assert ": account: is missing; expected at least one [[account]] table" in message


def test_duplicate_account_name(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + MINIMAL.replace("imap.", "mail."))
    assert "account[2].name: account name 'work' is used again (first in entry 1)" in message


def test_bad_choice_lists_the_choices(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + 'security = "none"\n')
    assert "account[1].security: is 'none'; expected one of \"tls\", \"starttls\"" in message


def test_bad_clock_and_day_and_address(tmp_path: Path) -> None:
    messages = problems(tmp_path, MINIMAL + 'addresses = ["not-an-address"]\n'
                        '[schedule]\ndrafts_at = "8.30"\n'
                        '[cadence]\nwork_days = ["monday"]\n')
    joined = "\n".join(messages)
    assert "account[1].addresses[0]: 'not-an-address' is not an email address" in joined
    assert "schedule.drafts_at: is '8.30'" in joined
    assert "cadence.work_days[0]: 'monday' is not a day" in joined
    assert len(messages) == 3


def test_sync_every_has_a_floor(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + '[schedule]\nsync_every = "5s"\n')
    assert "schedule.sync_every" in message and "too short" in message


def test_missing_ca_file(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + 'ca_file = "nowhere.pem"\n')
    assert "account[1].ca_file: names" in message and "not a readable file" in message


def test_review_folder_must_not_be_read(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, MINIMAL + 'folders = ["INBOX", "Follow-ups"]\n'
                          'review_folder = "Follow-ups"\n')
    assert "account[1].review_folder" in message


def test_group_and_contact_problems(tmp_path: Path) -> None:
    messages = problems(tmp_path, MINIMAL + textwrap.dedent('''
        [[group]]
        name = "g"
        members = ["nobody"]
        [[contact]]
        address = "bob@example.com"
        [[contact]]
        address = "BOB@example.com"
        cadence = "weekly"
        '''))
    joined = "\n".join(messages)
    assert "group[1].members[0]: 'nobody' is not an address or a pattern" in joined
    assert "contact[2].address: contact address 'bob@example.com' is used again" in joined
    assert "contact[2].cadence: is 'weekly', which is not a duration" in joined


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    messages = problems(tmp_path, '''
        [[account]]
        name = "a"
        port = 0
        [cadence]
        default = "1 month"
        track = "everyone"
        [schedul]
        ''')
    assert len(messages) >= 6, messages


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'state_dir = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "is not UTF-8" in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.toml")
    assert "absent.toml: no such file" in str(caught.value)


def test_example_copy_with_relative_paths(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "config.toml")
    assert load_config(tmp_path / "config.toml").accounts[0].name == "work"


def test_an_empty_address_list_without_an_email_username_is_named(tmp_path: Path) -> None:
    # it used to drop the account silently, and every command then crashed
    text = MINIMAL.replace('"me@example.com"', '"me"') + "addresses = []\n"
    (message,) = problems(tmp_path, text)
    assert "account[1].addresses: is an empty list (and username is not an email address)" \
        in message
    assert 'addresses = ["me@example.com"]' in message


def test_an_empty_account_list_is_named(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "account = []\n")
    assert "account: is an empty list" in message and "[[account]]" in message
