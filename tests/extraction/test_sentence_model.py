"""The trained sentence model: shipped in the package, sensible on sentences written here,
and reproducible by its training command."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from followthrough.extraction import Extractor
from followthrough.extraction.sentence_model import (
    KINDS,
    LEXICON_FILE,
    MODEL_DIR,
    SentenceModel,
)

ROOT = Path(__file__).resolve().parents[2]
THURSDAY = date(2026, 4, 2)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_the_model_ships_in_the_installed_package() -> None:
    folder = resources.files("followthrough.extraction").joinpath(MODEL_DIR)
    with resources.as_file(folder) as path:
        files = [f for f in path.rglob("*") if f.is_file()]
        assert (path / "meta.json").is_file() and (path / LEXICON_FILE).is_file()
        assert sum(f.stat().st_size for f in files) < 30_000_000
    model = SentenceModel.load()
    assert set(model.thresholds) == set(KINDS)
    assert all(0.0 < t < 1.0 for t in model.thresholds.values())
    assert model.lexicon.negative and model.lexicon.positive


def test_package_data_lists_every_model_file() -> None:
    """pyproject's package-data globs cover each file of the model, so wheels carry it."""
    import tomllib
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["followthrough"]
    model = ROOT / "src" / "followthrough" / "extraction" / MODEL_DIR
    files = [f.relative_to(model.parent.parent).as_posix() for f in model.rglob("*")
             if f.is_file()]
    assert files
    for name in files:
        assert any(fnmatch(name, g) and name.count("/") == g.count("/") for g in globs), name


# Sentences written for this test, not taken from any corpus.
@pytest.mark.parametrize(("text", "kind", "holder"), [
    ("I will send you the revised floor plan on Monday.", "commitment", "sender"),
    ("We'll get the signed lease back to you by Friday.", "commitment", "sender"),
    ("Thanks so much, we finally closed the sale of the house last week!",
     "success", "sender"),
    ("Congratulations on the new job!", "success", "recipient"),
    ("I'm so sorry to hear about your mother's illness.", "challenge", "recipient"),
])
def test_hand_written_items(extractor: Extractor, text: str, kind: str, holder: str) -> None:
    found = [(i.kind, i.holder) for i in extractor.extract_text(text, THURSDAY)]
    assert (kind, holder) in found, found


def test_due_date_of_a_learned_commitment(extractor: Extractor) -> None:
    found = extractor.extract_text("I will send you the revised floor plan on Monday.", THURSDAY)
    (item,) = [i for i in found if i.kind == "commitment"]
    assert item.due == date(2026, 4, 6)


@pytest.mark.parametrize("text", [
    "Could you send me the revised floor plan?",
    "Here is the agenda for the meeting.",
    "The attached spreadsheet lists the March volumes.",
    "Please call me when you get a chance.",
])
def test_hand_written_non_items(extractor: Extractor, text: str) -> None:
    assert extractor.extract_text(text, THURSDAY) == []


def test_training_command_runs_on_a_tiny_sample(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    done = subprocess.run([sys.executable, "bench/train_extractor.py", "--limit", "60",
                           "--folds", "2", "--epochs", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
                          env={**_env(), "FOLLOWTHROUGH_TRAIN_CACHE": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "60 messages" in done.stdout
    model = SentenceModel.load(out)
    assert set(model.thresholds) == set(KINDS)
    assert model.nlp.meta["followthrough"]["messages"] == 60
    found = Extractor(model).extract_text("I will send you the floor plan on Monday.", THURSDAY)
    assert all(i.kind in KINDS for i in found)


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_scores_do_not_depend_on_the_hash_seed() -> None:
    """Feature words come in a fixed order, so every process scores a sentence alike."""
    code = ("from followthrough.extraction.sentence_model import SentenceModel;"
            "m = SentenceModel.load();"
            "w = m.words('awful, terrible, horrible week but great and wonderful news', (), 0);"
            "print(w); print(m.scores([w])[0])")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={"PYTHONHASHSEED": str(seed),
                                               "PATH": "/usr/bin:/bin"}).stdout
               for seed in (1, 2, 3, 4)}
    assert len(outputs) == 1, outputs


@pytest.mark.parametrize(("text", "summary"), [
    ("We will try to have this information to the floor on Monday.",
     "try to have this information to the floor"),
    ("I will try and get you the numbers by Friday.", "try and get you the numbers"),
    ("I will send you the numbers by Friday.", "send you the numbers"),
])
def test_a_hedged_promise_keeps_its_hedge(extractor: Extractor, text: str,
                                          summary: str) -> None:
    """A draft must not turn "we will try to have it" into "you said you would have it"."""
    found = [i.summary for i in extractor.extract_text(text, THURSDAY) if i.kind == "commitment"]
    assert found == [summary]
