"""The analysis worker: a time budget per message, a worker that dies or cannot start,
results in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from followthrough.config.model import load_config
from followthrough.errors import AnalysisWorkerError
from followthrough.extraction.analysis import Outcome
from followthrough.extraction.analysis_worker import ProcessAnalyser
from followthrough.mail.message_parse import ParsedMessage, parse_message
from followthrough.state.history import History
from followthrough.state.store import Store
from followthrough.sync.service import sync_all
from tests.analysis_doubles import DIE_EXIT_CODE, load_nothing, load_troublesome
from tests.mailserver import Dovecot
from tests.messages import make_message, write_config


def message(text: str) -> tuple[ParsedMessage, str]:
    header, _, body = make_message(body=text + "\n").partition(b"\r\n\r\n")
    return parse_message(header + b"\r\n\r\n", body, None), "in"


def items_of(outcomes: list[Outcome]) -> list[str]:
    return [o if isinstance(o, str) else "items: " + o[0].evidence for o in outcomes]


def test_slow_and_deadly_messages_fail_alone_and_the_rest_go_on() -> None:
    started = time.monotonic()
    with ProcessAnalyser(budget=1.0, load=load_troublesome) as analyser:
        first = analyser.submit([message("alpha"), message("HANG here"), message("beta")])
        second = analyser.submit([message("DIE here"), message("gamma")])
        third = analyser.submit([message("delta"), message("FAIL here")])
        # Asked out of order: the earlier batches are received first, nothing is mixed up.
        assert items_of(second.result()) == [
            f"the extraction worker stopped (exit code {DIE_EXIT_CODE})", "items: gamma"]
        assert items_of(first.result()) == [
            "items: alpha", "analysis took longer than 1 s", "items: beta"]
        assert items_of(third.result()) == [
            "items: delta", "analysis failed: ValueError: cannot read this (test)"]
        worker = analyser._worker.process
    assert not worker.is_alive()
    assert time.monotonic() - started < 60  # 1 s budget, three worker starts


def test_worker_that_died_while_idle_is_replaced() -> None:
    with ProcessAnalyser(budget=5.0, load=load_troublesome) as analyser:
        assert items_of(analyser.submit([message("one")]).result()) == ["items: one"]
        analyser._worker.process.kill()
        analyser._worker.process.join()
        time.sleep(0.2)
        batch = analyser.submit([message("two"), message("three")])
        outcomes = items_of(batch.result())
    # Either the send found the pipe closed (both analysed by a new worker), or the death
    # was noticed while waiting (the first blamed, the second analysed by a new worker).
    assert outcomes in (["items: two", "items: three"],
                        ["the extraction worker stopped (exit code -9)", "items: three"])


def test_worker_that_cannot_start_is_a_clear_error() -> None:
    with ProcessAnalyser(load=load_nothing) as analyser:
        first = analyser.submit([message("anything")])
        second = analyser.submit([message("more")])
        for batch in (first, second):  # never a partial result
            with pytest.raises(AnalysisWorkerError, match="cannot start: ImportError: no extr"):
                batch.result()
        with pytest.raises(AnalysisWorkerError):  # a later batch tries a new worker
            analyser.submit([message("later")]).result()


def test_empty_batches_need_no_worker_round_trip() -> None:
    with ProcessAnalyser(budget=1.0, load=load_troublesome) as analyser:
        assert analyser.submit([]).result() == []


def test_big_batches_sent_ahead_do_not_deadlock() -> None:
    """Three 6 MB batches sent before any result is read, each outcome 20 KB: the worker
    must take the jobs while its outcomes wait, or both sides block on a full pipe."""
    line = "x" * 20_000
    done: list[list[Outcome]] = []
    analyser = ProcessAnalyser(budget=30.0, load=load_troublesome)

    def run() -> None:
        batches = [analyser.submit([message(f"{n} {line}") for n in range(300)])
                   for _ in range(3)]
        done.extend(batch.result() for batch in batches)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(180)
    try:
        assert not thread.is_alive(), "deadlock: the main process and the worker wait on each other"
        assert [len(outcomes) for outcomes in done] == [300, 300, 300]
        assert all(not isinstance(o, str) and o[0].evidence.startswith(f"{n} x")
                   for outcomes in done for n, o in enumerate(outcomes))
    finally:
        analyser.close()


def test_sync_with_a_worker_that_cannot_start_loses_nothing(tmp_path: Path, dovecot: Dovecot,
                                                            mail_user: str) -> None:
    dovecot.append(mail_user, "INBOX", [make_message(subject=f"m{n}") for n in range(3)])
    config = load_config(write_config(tmp_path / "c.toml", port=dovecot.port,
                                      ca_file=dovecot.ca_file, username=mail_user,
                                      password=dovecot.users[mail_user]))
    with Store.open(config.state_dir) as store:
        history = History(store)
        with ProcessAnalyser(load=load_nothing) as broken:
            (failed,) = sync_all(config, history, broken)
        assert failed.error is not None and "cannot start" in failed.error
        assert "nothing was lost" in failed.error
        assert history.message_count() == 0  # the cursor did not move past them
        with ProcessAnalyser(load=load_troublesome) as working:
            (done,) = sync_all(config, history, working)
        assert done.error is None and history.message_count() == 3
