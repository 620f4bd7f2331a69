"""The text helpers every understanding module shares."""

from __future__ import annotations

import pytest

from switchboard.brain.text import fold_accents, normalize, tokens, without_fillers


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Sí, is correct.", "si is correct"),
        ("Perdón, mañana", "perdon manana"),
        ("José Peña", "jose pena"),
        ("It’s Dr. O’Brien!", "it's dr o'brien"),
        # a transcript's contractions without apostrophes, and a dropped "g"
        ("its rosa thats all im good", "it's rosa that's all i'm good"),
        ("Nothin' else, I'm fixin' to go", "nothing else i'm fixing to go"),
    ],
)
def test_normalize_folds_accents_and_keeps_apostrophes(text, normalized):
    assert normalize(text) == normalized


def test_folding_keeps_positions_so_tokens_slice_the_original():
    text = "José Peña, mañana por la tarde"
    assert len(fold_accents(text)) == len(text)
    assert [text[t.start : t.end] for t in tokens(text)][:3] == ["José", "Peña", "mañana"]
    assert [t.word for t in tokens(text)][:3] == ["jose", "pena", "manana"]


def test_fillers_are_taken_out_between_words():
    assert without_fillers("its uh angela morales") == "its angela morales"
    assert without_fillers("talk to, uh, somebody. Hmm, ok") == "talk to, somebody. ok"
    assert without_fillers("Uhm, the umbrella") == "the umbrella"  # "umbrella" is a word
