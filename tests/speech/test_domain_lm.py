"""The domain language model: what a business's callers say, decoded beside the general LM."""

from __future__ import annotations

import pytest
import pytest_asyncio

from switchboard.profiles import default_profiles_dir, load_profile
from switchboard.speech.decoder_pool import DecoderPool
from switchboard.speech.domain_corpus import _mix, domain_sentences
from switchboard.speech.evaluation import flite_available, flite_say, phone_path, word_errors
from switchboard.speech.recognizer import build_domain_lm, words_of

PROFILE = load_profile(default_profiles_dir() / "bayside-vision.yaml")


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return domain_sentences(PROFILE)


@pytest.mark.parametrize(
    "phrase",
    [
        *[o.name.lower() for o in PROFILE.offices],
        *[a.lower() for o in PROFILE.offices for a in o.aliases],
        *[p.lower() for p in PROFILE.insurance_plans],
        *[s.lower() for s in PROFILE.services],
    ],
)
def test_every_office_alias_plan_and_service_of_the_profile_is_in_the_corpus(corpus, phrase):
    wanted = " ".join(words_of(phrase))
    assert any(f" {wanted} " in f" {s} " for s in corpus), phrase


def test_corpus_is_plain_lower_case_words_and_deterministic(corpus):
    assert corpus == domain_sentences(PROFILE)
    for sentence in corpus:
        assert sentence and sentence == " ".join(words_of(sentence)), sentence


def test_corpus_comes_from_the_profile_not_from_code():
    other = PROFILE.model_copy(
        update={"services": ["teeth whitening"], "insurance_plans": ["Delta Dental"]}
    )
    text = "\n".join(domain_sentences(other))
    assert "teeth whitening" in text and "delta dental" in text
    assert "eyemed" not in text


def test_several_facts_in_one_breath_walk_the_pools_side_by_side_so_every_value_appears():
    mixed = list(
        _mix(["{x} at {p}", "{p} and {i}", "plain"], x=["a", "b", "c"], p=["k", "g"], i=["v"])
    )
    assert mixed == ["a at k", "b at g", "c at k", "k and v", "g and v", "plain"]


def test_the_corpus_says_a_visit_a_place_and_a_plan_together(corpus):
    assert any(" office " in s and s.startswith(("an eye exam", "i'd like")) for s in corpus)
    assert any(" and i have humana" in s for s in corpus)


def test_the_corpus_says_days_and_times_of_every_week(corpus):
    for plural in ("mondays", "mornings", "fridays in the afternoon"):
        assert any(f" {plural} " in f" {s} " for s in corpus), plural


def test_the_domain_lm_leaves_little_to_word_sequences_its_corpus_never_says():
    lexicon = {"book": "B UH K", "an": "AE N", "exam": "IH G Z AE M", "eye": "AY", "my": "M AY"}
    arpa, _, _ = build_domain_lm(["book an eye exam", "my exam"], lexicon.get)
    # The unigram backoff weight of "an" (log10): what an unseen word after it may get.
    unigram = next(row.split() for row in arpa.splitlines() if row.split()[1:2] == ["an"])
    assert float(unigram[2]) < -0.9  # at most ~10% of the mass (the default left half)


def test_unpronounceable_words_drop_their_sentences_and_are_counted():
    lexicon = {"book": "B UH K", "an": "AE N", "exam": "IH G Z AE M", "eye": "AY"}
    arpa, words, stats = build_domain_lm(
        ["book an eye exam", "book an xqzt exam", "eye exam"], lexicon.get
    )
    assert stats.skipped_phrases == 1 and stats.missing == ["xqzt"]
    assert set(words) == {"book", "an", "eye", "exam"}
    assert "\\data\\" in arpa and "<s> book an" in arpa.replace("\t", " ")


def test_a_corpus_nobody_can_pronounce_is_an_error():
    with pytest.raises(ValueError, match="pronounced"):
        build_domain_lm(["xqzt vvvk"], {}.get)


# --- recognition through the phone path (flite voice, real pocketsphinx workers) ---------------

# Generic caller lines (not the scenario files' wording) that the general LM mangles.
IN_DOMAIN = [
    "I'd like to book an eye exam please",
    "I need to schedule a glaucoma evaluation",
    "no that's all thank you",
    "do you take Humana",
    "the one in Coral Gables",
    "any weekday morning next week",
]
OUT_OF_DOMAIN = [
    "the weather is lovely today",
    "purple monkey dishwasher",
]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def domain_pool(settings):
    pool = DecoderPool(
        settings, workers=1, preload=1, domains={PROFILE.id: domain_sentences(PROFILE)}
    )
    await pool.start()
    yield pool
    await pool.close()


@pytest.mark.slow
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.skipif(not flite_available(), reason="flite is not installed (apt install flite)")
async def test_domain_lm_halves_word_errors_on_caller_lines_and_leaves_other_speech_alone(
    domain_pool,
):
    plain_err = domain_err = words = 0
    for said in IN_DOMAIN:
        pcm = phone_path(*flite_say(said))
        plain = await domain_pool.recognize(pcm)
        with_domain = await domain_pool.recognize(pcm, domain=PROFILE.id)
        ref = " ".join(words_of(said))
        e1, n = word_errors(ref, plain.text)
        e2, _ = word_errors(ref, with_domain.text)
        plain_err, domain_err, words = plain_err + e1, domain_err + e2, words + n
        print(f"{said!r:45} general={plain.text!r:40} domain={with_domain.text!r}")
    print(f"word errors: general {plain_err}/{words}, with domain LM {domain_err}/{words}")
    assert domain_err * 2 <= plain_err
    for said in OUT_OF_DOMAIN:
        pcm = phone_path(*flite_say(said))
        plain = await domain_pool.recognize(pcm)
        with_domain = await domain_pool.recognize(pcm, domain=PROFILE.id)
        print(f"{said!r:45} general={plain.text!r:40} domain={with_domain.text!r}")
        assert with_domain.source == "lm" and with_domain.text == plain.text


@pytest.mark.asyncio(loop_scope="module")
async def test_an_unknown_domain_decodes_with_the_general_model(domain_pool):
    silence = bytes(3200)
    result = await domain_pool.recognize(silence, domain="no-such-business")
    assert result.source == "lm"
