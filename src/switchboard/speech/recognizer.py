"""Pocketsphinx recognition for one utterance, as run inside a decoder-pool worker process.

Nothing here touches asyncio: this module is imported by the worker processes of
:mod:`switchboard.speech.decoder_pool` and by benchmarks. The pipeline is 8 kHz PCM16 and
pocketsphinx's bundled en-us acoustic model is trained on 16 kHz features; measured on the
real-speech fixtures through the phone path, upsampling to 16 kHz gives WER ~0.44 while 8 kHz
features (with the filterbank cut to 3.5-3.8 kHz) give ~1.0, so the worker upsamples.

Speed choices (measured on the same fixtures, see ``bench/stt_bench.py``): no fwdflat or
bestpath second pass (the work left at end of utterance is then ~10 ms, and WER was no worse),
``maxhmmpf=3000`` and ``maxwpf=10`` (CPU per audio second 0.27 -> 0.10 at the same WER).
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from switchboard.number_words import DIGIT_NAMES, ZERO_WORDS

logger = logging.getLogger(__name__)

PIPELINE_RATE = 8000
MODEL_RATE = 16000

#: Cepstral mean of speech heard through the phone path (8 kHz µ-law, upsampled), measured on
#: the real-speech fixtures. The model's default (40,3,-1,0...) is for wideband audio; starting
#: live CMN from it cost ~0.3 WER on short phone utterances before the mean caught up.
PHONE_CMN = "45.5,26,-29,42,-23,1.5,9,-27,19,-13,2.5,8,-13"

#: Decoder options used for every general (language-model) decoder.
GENERAL_OPTIONS: dict[str, object] = {
    "fwdflat": False,
    "bestpath": False,
    "maxhmmpf": 3000,
    "maxwpf": 10,
    "loglevel": "FATAL",
    "cmninit": PHONE_CMN,
}

#: Words a caller often wraps around the answer ("I'd like the Coral Gables office please").
#: Kept in the grammar as optional fillers so the phrase need not be said alone.
CARRIER_WORDS = (
    "a an and at i i'd i'm i've in is it it's like my near need of office on one please "
    "the that to uh um want would yes no yeah go have got location with for it's called "
    "think about maybe sure okay oh"
).split()

#: Kinds whose answer is a short closing phrase ("no, that's all, thanks") or anything at all
#: (a new request, a question): their grammar gets only a few courtesy fillers. With the
#: general carrier words it fitted whole sentences ("okay, I want to make an appointment too"
#: as "okay it i no want maybe", 9.6 per frame better than the domain LM's right words).
CLOSING_KINDS = frozenset({"anything_else", "yes_no"})
CLOSING_FILLERS = "uh um oh okay ok yeah yes no please so well thanks thank you".split()
#: Kinds whose grammar result is only ever offered as an alternative reading, never put in
#: place of the free decoders' words: the dialogue acts on it only when those words answer
#: nothing (see ``switchboard.brain.answered.choose_heard``). Between a few carrier words such
#: a grammar fits any short answer: measured on the 276 scenario caller lines decoded as
#: answers to the office question, the office grammar won for 60 of the 223 lines that name
#: no office ("No thanks." -> "no to and austin", "Hannah Wright." -> "have doral i'd", "I
#: need to cancel." -> "i need to kendall") and for 2 that do ("Pinecrest.", which the free
#: decoders heard "gingrich"); no score margin separates the two. The plan grammar at the
#: plan question: 74 of the lines that name no plan ("Kendall." -> "aetna and", "No thanks."
#: -> "no aetna and is") against 2 that do ("Aetna." heard "and", "EyeMed." heard "i'm").
#: The closing grammar after "anything else?" is offered the same way unless it reads a whole
#: phone number (a correction to the number just read back): it made 19 lines that are no
#: closing into one ("Do you guys do LASIK?" -> "you you bye you", "Um." -> "bye"), so a new
#: request or question could end the call.
ALTERNATIVE_ONLY_KINDS = frozenset({"office", "insurance", *CLOSING_KINDS})
#: Kinds whose answer is a sequence of phrases (digits, letters), not one phrase.
SEQUENCE_KINDS = frozenset({"phone", "digits", "number", "phone_number", "spelling"})
#: Kinds whose phrases are letters said one by one ("N G U Y E N"): each single-letter phrase
#: is pronounced as the letter's name (the dictionary's "a." EY, not "a" AH), and the grammar's
#: fillers are words said around a spelling, never letters themselves ("a", "i").
SPELLING_KINDS = frozenset({"spelling"})
SPELLING_FILLERS = "uh um it's my last name is that's".split()
#: Kinds whose answer is a short phrase *or* a whole phone number (the question right after the
#: callback number is read back): their digit words only come as a run of at least
#: MIN_NUMBER_DIGITS, so a lone digit between carrier words cannot stand in for "okay, thank
#: you" ("okay eight to", heard in audio scenarios).
PHRASE_OR_NUMBER_KINDS = frozenset({"anything_else"})
MIN_NUMBER_DIGITS = 7
DIGIT_WORDS = frozenset((*DIGIT_NAMES, *ZERO_WORDS))
#: A grammar result that reads a number (MIN_NUMBER_DIGITS digit words or more) is kept only when
#: the free decoders heard at least this many digit words too. Callers who say a number get
#: 7-10 digit words from the general or domain LM (measured on flite numbers in sentences);
#: without the check the digit grammar fitted "OK, I'd like to come in for an eye exam then",
#: which the domain LM heard right, as "okay i'd like two two oh nine four two nine two".
MIN_FREE_DIGITS_FOR_NUMBER = 3

#: The grammar result replaces the general LM's only when ``(lm_score - grammar_score) /
#: frames`` is at most this (pocketsphinx's scaled log units, ``get_logmath().log``), i.e. the
#: grammar path must beat the LM path by 1.5 per frame. Measured on flite phrases through the
#: phone path: answers from the expected set score 2..18 better under the grammar, unrelated
#: sentences 0.7 better to 14 worse (bench/stt_bench.py prints the gaps).
DEFAULT_HINT_MARGIN = -1.5

#: The domain LM's result (see :mod:`switchboard.speech.domain_corpus`) replaces the general
#: LM's unless it scores more than this much *worse* per frame. Measured on the scenario lines
#: spoken by flite through the phone path (bench/stt_bench.py --domain): in-domain lines score
#: -5..+15 better under the domain LM and word errors fall from 0.41 to 0.23 of the words at
#: -3; out-of-domain sentences ("the weather is lovely today") score 7..23 worse and keep the
#: general result.
DEFAULT_DOMAIN_MARGIN = -3.0
#: Probability mass the domain LM keeps for word sequences its corpus never says. The corpus
#: is templates, so what it has not seen ("an my exam") is mostly the recognizer's slip, and
#: what callers say beyond it the general LM hears. Measured on the 276 scenario caller lines
#: (flite, phone path, general + domain LM): word errors 0.357 at 0.5, 0.342 at 0.2, 0.329 at
#: 0.1 (held-out authors' lines 0.449 -> 0.411, ours 0.228 -> 0.214); "an eye exam" heard in
#: 15 -> 20 of 23 lines; plan and office names unchanged; real speech unchanged (the domain
#: LM is chosen for 2 of its utterances either way).
DOMAIN_DISCOUNT_MASS = 0.1
#: A grammar result that beat the free decoders by less than DEFAULT_HINT_MARGIN, but by more
#: than this, is offered as an alternative (see ``Recognition.alternatives``): acted on only
#: when the chosen words answer nothing; for ALTERNATIVE_ONLY_KINDS, any result past this
#: is offered. Unrelated whole sentences scored at most 0.7 better under the grammar in the
#: first measurement; short answers that are no such answer can score far better (see
#: ALTERNATIVE_ONLY_KINDS). "Pinecrest." heard by the general LM as "gingrich" scored 0.98
#: better as "pinecrest".
HINT_ALTERNATIVE_MARGIN = -0.75
#: The letter grammar of a spelling question fits almost anything short: "Thursday." comes out
#: "h r c", "Yes." "b is". So letters replace the free decoders' words only when they beat them
#: by this much per frame. Measured (flite through the phone path, /tmp-style diagnostic of
#: ``Utterance`` with the spelling grammar): seven spelled names -16.9..-22.7; words said
#: instead ("Thursday.", "Yes.", "Okafor.", "It's Okafor.") -3.7..-12.9.
SPELLING_HINT_MARGIN = -15.0
#: A grammar result is no reading of a sentence it covers only a small part of: when the free
#: decoders heard at least this many words and the grammar's words are fewer than half of them,
#: the grammar result is dropped. A grammar path has no language-model cost per word, so over a
#: long sentence it can outscore the LM path by stretching a few words across it: "I was
#: grinding metal at work and I think something's stuck in my eye, it's really red and it
#: hurts a lot." (20 words heard) came out of the office grammar as "i'm would round rock
#: location i'd", 18.9 per frame better, and the emergency was lost.
MIN_SENTENCE_WORDS = 8
MAX_FILLERS_BEFORE = 3
MAX_FILLERS_AFTER = 2
_HESITATIONS = frozenset({"uh", "um", "oh"})

_WORD_RE = re.compile(r"[a-z][a-z']*")


@dataclass(frozen=True)
class Recognition:
    """Result of one utterance."""

    text: str
    confidence: float
    score: int
    decode_ms: float
    frames: int
    source: str = "lm"  # "lm", "domain" or "hint"
    audio_ms: float = 0.0
    latency_ms: float = 0.0  # finish() call to result, as the caller saw it (queueing included)
    cmn: str | None = None  # cepstral mean at the end: pass it to the caller's next utterance
    #: Other readings of the same audio: the general LM's words when the domain LM's were
    #: chosen, and the grammar's when it scored better than the free decoders by
    #: HINT_ALTERNATIVE_MARGIN but not by the full margin (by any amount past it for the
    #: ALTERNATIVE_ONLY_KINDS, whose grammar never replaces them). The dialogue may act on
    #: one that answers the question asked when ``text`` does not ("roberto diaz" from the
    #: general LM for the domain's "roberto do you hours"). A rejected domain LM reading is
    #: never offered: that model is built to produce the expected words, so its "answer" is
    #: no evidence (its "been an urgent in kids" for "bananas and pancakes" would have
    #: started a booking).
    alternatives: tuple[str, ...] = ()


@dataclass
class GrammarStats:
    """How the hint phrases mapped onto the pronunciation dictionary."""

    phrases: int = 0
    words: int = 0
    compound_words: int = 0  # missing words spelled from dictionary pieces or letters
    skipped_words: int = 0  # missing words nobody could spell
    skipped_phrases: int = 0
    missing: list[str] = field(default_factory=list)


def words_of(text: str) -> list[str]:
    """Lower-case dictionary-style words of ``text`` ("Blue-Cross" -> ["blue", "cross"])."""
    return _WORD_RE.findall(text.lower().replace("-", " "))


def compound_pronunciation(word: str, lookup: Callable[[str], str | None]) -> str | None:
    """Spell a missing word from dictionary words it is made of ("wellcare" = well + care).

    Dynamic programming over split points, fewest pieces first; pieces shorter than two
    letters are refused except the single letter "a". Returns None when no split exists.
    """
    n = len(word)
    best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for end in range(1, n + 1):
        for start in range(max(0, end - 12), end):
            prev = best[start]
            piece = word[start:end]
            if prev is None or (len(piece) < 2 and piece != "a"):
                continue
            phones = lookup(piece)
            if not phones:
                continue
            cand = (prev[0] + 1, [*prev[1], phones])
            cur = best[end]
            if cur is None or cand[0] < cur[0]:
                best[end] = cand
    final = best[n]
    if final is None or final[0] > 4:
        return None
    return " ".join(final[1])


#: Longest unknown word spelled out letter by letter (an acronym such as "VSP" or "PPO").
MAX_ACRONYM_LETTERS = 4


def letters_pronunciation(word: str, lookup: Callable[[str], str | None]) -> str | None:
    """Say a short unknown word as its letters ("vsp" = V IY EH S P IY), as callers say plans."""
    if not 2 <= len(word) <= MAX_ACRONYM_LETTERS or not word.isalpha():
        return None
    letters = [lookup(letter) for letter in word]
    if not all(letters):
        return None
    return " ".join(letters)  # type: ignore[arg-type]


#: Extra pronunciations of a word (phone strings), e.g. :meth:`DecoderFactory.variants`.
Variants = Callable[[str], list[str]]


def _no_variants(word: str) -> list[str]:
    return []


def pronounce(
    phrases: Iterable[str],
    lookup: Callable[[str], str | None],
    variants: Variants = _no_variants,
) -> tuple[list[str], dict[str, str], GrammarStats]:
    """Pronunciations for the words of ``phrases``, and the phrases they cover.

    Returns ``(kept, {word: phones}, stats)``: ``kept`` holds, in order and with repeats, each
    phrase (as dictionary words) whose every word could be pronounced, from the dictionary or
    spelled from its pieces or, when short, its letters. A phrase with a word nobody can
    pronounce is dropped and counted. A word's ``variants`` (how callers say it, from the
    profile) are added as pocketsphinx alternates ``word(2)``, ``word(3)`` …, which decoders
    report as the word itself; a word with variants alone is pronounced by them.
    """
    stats = GrammarStats()
    lexicon: dict[str, str] = {}
    unknown: set[str] = set()
    kept: list[str] = []
    for phrase in phrases:
        tokens = words_of(phrase)
        if not tokens:
            continue
        stats.phrases += 1
        ok = True
        for token in tokens:
            stats.words += 1
            if token in lexicon:
                continue
            if token not in unknown:
                phones = lookup(token)
                if not phones:
                    phones = compound_pronunciation(token, lookup) or letters_pronunciation(
                        token, lookup
                    )
                    if phones:
                        stats.compound_words += 1
                extra = [v for v in dict.fromkeys(variants(token)) if v != phones]
                if not phones and extra:
                    phones, extra = extra[0], extra[1:]
                if phones:
                    lexicon[token] = phones
                    for number, variant in enumerate(extra, start=2):
                        lexicon[f"{token}({number})"] = variant
                    continue
                unknown.add(token)
                stats.missing.append(token)
            stats.skipped_words += 1
            ok = False
        if ok:
            kept.append(" ".join(tokens))
        else:
            stats.skipped_phrases += 1
    return kept, lexicon, stats


def build_hint_grammar(
    kind: str | None,
    phrases: Iterable[str],
    lookup: Callable[[str], str | None],
    variants: Variants = _no_variants,
) -> tuple[str, dict[str, str], GrammarStats] | None:
    """Build a JSGF grammar and its pronunciation dictionary for the expected phrases.

    Returns ``(jsgf, {word: phones}, stats)``, or None when no phrase survives (every word
    missing). Phrases with a word nobody can pronounce are dropped, never fatal.
    """
    kept, lexicon, stats = pronounce(phrases, lookup, variants)
    alternatives = list(dict.fromkeys(kept))
    if not alternatives:
        return None
    fillers = []
    kind_l = (kind or "").lower()
    if kind_l in SPELLING_KINDS:
        for letter in (a for a in alternatives if len(a) == 1):
            phones = lookup(f"{letter}.")
            if phones:
                lexicon[letter] = phones
        filler_words = SPELLING_FILLERS
    elif kind_l in CLOSING_KINDS:
        filler_words = CLOSING_FILLERS
    else:
        filler_words = CARRIER_WORDS
    for word in filler_words:
        phones = lookup(word)
        if phones:
            lexicon.setdefault(word, phones)
            fillers.append(word)
    digits = [a for a in alternatives if a in DIGIT_WORDS]
    rules = ""
    if kind_l in PHRASE_OR_NUMBER_KINDS and digits and len(digits) < len(alternatives):
        phrases_only = [a for a in alternatives if a not in DIGIT_WORDS]
        body = " | ".join(phrases_only)
        run = " ".join(["<digit>"] * MIN_NUMBER_DIGITS) + " (<digit>)*"
        rules = f"<digit> = {' | '.join(digits)};\n"
        core = f"(<phrase> | {run})"
    else:
        body = " | ".join(alternatives)
        core = "(<phrase>)+" if kind_l in SEQUENCE_KINDS else "<phrase>"
    filler = " | ".join(sorted(set(fillers)))
    # Bounded filler runs: a free filler loop lets the grammar swallow any sentence.
    before = " ".join(["[<filler>]"] * MAX_FILLERS_BEFORE)
    after = " ".join(["[<filler>]"] * MAX_FILLERS_AFTER)
    utt = f"{before} {core} {after}"
    jsgf = (
        "#JSGF V1.0;\ngrammar hint;\n"
        f"<phrase> = {body};\n{rules}<filler> = {filler};\npublic <utt> = {utt};\n"
    )
    return jsgf, lexicon, stats


class Upsampler:
    """Streaming 8 kHz -> 16 kHz PCM16 resampler (soxr, state kept across chunks)."""

    def __init__(self, src: int = PIPELINE_RATE, dst: int = MODEL_RATE) -> None:
        import soxr

        self._same = src == dst
        self._stream = None if self._same else soxr.ResampleStream(src, dst, 1, dtype="int16")

    def __call__(self, pcm: bytes, *, last: bool = False) -> bytes:
        if self._same:
            return pcm
        samples = np.frombuffer(pcm, dtype=np.int16)
        out = self._stream.resample_chunk(samples, last=last)  # type: ignore[union-attr]
        return out.astype(np.int16, copy=False).tobytes()


def _confidence(score: int, frames: int) -> float:
    """Map the average path score per frame to 0..1 (rough, monotonic, for logs and routing)."""
    if frames <= 0:
        return 0.0
    per_frame = score / frames  # log base 1.0001 (scaled); speech is about -20..-120 per frame
    return float(1.0 / (1.0 + math.exp((-per_frame - 60.0) / 15.0)))


class DecoderFactory:
    """Creates pocketsphinx decoders for one worker: general ones and hint (grammar) ones."""

    def __init__(
        self,
        workdir: Path,
        options: dict[str, object] | None = None,
        sounds_like: dict[str, list[str]] | None = None,
    ) -> None:
        from pocketsphinx import Decoder

        self._decoder_cls = Decoder
        self._options = {**GENERAL_OPTIONS, **(options or {})}
        self._workdir = workdir
        self._counter = 0
        self._dictionary: object | None = None  # a general decoder used for lookups
        # {word: [spelling, ...]}, lower case (the profiles' ``sounds_like``).
        self._sounds_like = {
            word.lower(): list(spellings) for word, spellings in (sounds_like or {}).items()
        }

    def general(self):  # pocketsphinx has no type stubs
        """A new general decoder (the bundled en-us LM and dictionary); ~0.4 s, ~90 MB."""
        decoder = self._decoder_cls(**self._options)
        if self._dictionary is None:
            self._dictionary = decoder
        return decoder

    def lookup(self, word: str) -> str | None:
        """Pronunciation of ``word`` from the bundled dictionary, or None."""
        if self._dictionary is None:
            self._dictionary = self.general()
        try:
            return self._dictionary.lookup_word(word)  # type: ignore[attr-defined]
        except (RuntimeError, KeyError):
            return None

    def variants(self, word: str) -> list[str]:
        """Pronunciations of ``word`` from its sounds-like spellings ("signa" for "cigna").

        A spelling with a word nobody can pronounce is skipped (logged once per build).
        """
        found = []
        for spelling in self._sounds_like.get(word, ()):
            pieces = [
                self.lookup(piece) or compound_pronunciation(piece, self.lookup)
                for piece in words_of(spelling)
            ]
            if pieces and all(pieces):
                found.append(" ".join(pieces))  # type: ignore[arg-type]
            else:
                logger.warning("sounds-like spelling %r of %r cannot be pronounced", spelling, word)
        return found

    def write_domain(self, key: str, arpa: str, lexicon: dict[str, str]) -> tuple[str, str]:
        """Write a domain LM and its dictionary to this worker's directory; returns the paths."""
        safe = re.sub(r"[^a-zA-Z0-9_-]", "_", key)[:40]
        lm_path = self._workdir / f"domain-{safe}.arpa"
        dict_path = self._workdir / f"domain-{safe}.dict"
        lm_path.write_text(arpa)
        dict_path.write_text("".join(f"{w} {p}\n" for w, p in sorted(lexicon.items())))
        return str(lm_path), str(dict_path)

    def domain(self, lm_path: str, dict_path: str):
        """A decoder over a domain LM (small vocabulary: quick to build and to search)."""
        return self._decoder_cls(**{**self._options, "lm": lm_path, "dict": dict_path})

    def hint(self, jsgf: str, lexicon: dict[str, str]):
        """A grammar decoder over a tiny dictionary (~20 ms to build)."""
        self._counter += 1
        dict_path = self._workdir / f"hint-{self._counter}.dict"
        dict_path.write_text("".join(f"{w} {p}\n" for w, p in sorted(lexicon.items())))
        options = {**self._options, "lm": None, "dict": str(dict_path)}
        decoder = self._decoder_cls(**options)
        decoder.add_jsgf_string("hint", jsgf)
        decoder.activate_search("hint")
        dict_path.unlink(missing_ok=True)
        return decoder


def build_domain_lm(
    sentences: Iterable[str],
    lookup: Callable[[str], str | None],
    variants: Variants = _no_variants,
) -> tuple[str, dict[str, str], GrammarStats]:
    """An ARPA trigram model and its dictionary from a domain corpus (pocketsphinx's builder).

    Words nobody can pronounce drop their sentences (counted in the stats), never fatal.
    """
    from io import StringIO

    from pocketsphinx.lm import ArpaBoLM

    kept, lexicon, stats = pronounce(sentences, lookup, variants)
    if not kept:
        raise ValueError("no sentence of the domain corpus can be pronounced")
    model = ArpaBoLM(text="\n".join(kept), add_start=True, discount_mass=DOMAIN_DISCOUNT_MASS)
    model.compute()
    out = StringIO()
    model.write(out)
    return out.getvalue(), lexicon, stats


class DomainModels:
    """Domain LM decoders of one worker: files built on first use per key, decoders reused."""

    def __init__(self, factory: DecoderFactory, corpora: dict[str, list[str]]) -> None:
        self._factory = factory
        self._corpora = corpora
        self._files: dict[str, tuple[str, str] | None] = {}
        self._free: dict[str, list[object]] = {}
        self.stats: dict[str, GrammarStats] = {}

    def get(self, key: str | None) -> object | None:
        """A free decoder for ``key``'s domain LM, or None when there is no such domain."""
        if not key or key not in self._corpora:
            return None
        free = self._free.setdefault(key, [])
        if free:
            return free.pop()
        if key not in self._files:
            try:
                arpa, lexicon, stats = build_domain_lm(
                    self._corpora[key], self._factory.lookup, self._factory.variants
                )
            except ValueError:
                self._files[key] = None
                return None
            self.stats[key] = stats
            self._files[key] = self._factory.write_domain(key, arpa, lexicon)
        files = self._files[key]
        if files is None:
            return None
        return self._factory.domain(*files)

    def release(self, key: str | None, decoder: object | None) -> None:
        if decoder is not None and key:
            self._free.setdefault(key, []).append(decoder)


class HintCache:
    """Small LRU of grammar decoders keyed by (kind, phrases)."""

    def __init__(self, factory: DecoderFactory, size: int = 8) -> None:
        self._factory = factory
        self._size = size
        self._items: OrderedDict[tuple, tuple[object | None, GrammarStats]] = OrderedDict()
        self._busy: set[int] = set()

    def get(self, kind: str | None, phrases: tuple[str, ...]) -> tuple[object | None, GrammarStats]:
        key = (kind, phrases)
        item = self._items.get(key)
        if item is not None and id(item[0]) not in self._busy:
            self._items.move_to_end(key)
            decoder, stats = item
        else:
            built = build_hint_grammar(kind, phrases, self._factory.lookup, self._factory.variants)
            if built is None:
                decoder, stats = None, GrammarStats(phrases=len(phrases))
            else:
                jsgf, lexicon, stats = built
                decoder = self._factory.hint(jsgf, lexicon)
            if item is None:
                self._items[key] = (decoder, stats)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        if decoder is not None:
            self._busy.add(id(decoder))
        return decoder, stats

    def release(self, decoder: object | None) -> None:
        if decoder is not None:
            self._busy.discard(id(decoder))


class Utterance:
    """One utterance in progress: a general decoder, optionally a hint decoder beside it."""

    def __init__(
        self,
        general,  # pocketsphinx.Decoder
        hint=None,
        *,
        hint_margin: float = DEFAULT_HINT_MARGIN,
        input_rate: int = PIPELINE_RATE,
        phrases: Iterable[str] = (),
        cmn: str | None = None,
        domain=None,
        domain_margin: float = DEFAULT_DOMAIN_MARGIN,
        kind: str | None = None,
    ) -> None:
        self.general = general
        self.domain = domain
        self._domain_margin = domain_margin
        self.last_domain_gap: float | None = None
        # A single letter (a spelling's) is no evidence that the free decoders heard the
        # answer: "a" and "i" are in most sentences.
        self._phrases = [w for w in (" ".join(words_of(p)) for p in phrases) if len(w) > 1]
        self._whole_numbers = any(p in DIGIT_WORDS for p in self._phrases) and any(
            p not in DIGIT_WORDS for p in self._phrases
        )
        if self._whole_numbers:
            # A phrase-or-number question: a lone digit word in the free decoders' words is not
            # an expected answer ("okay eight and you" for "okay, thank you"); a whole number is.
            self._phrases = [p for p in self._phrases if p not in DIGIT_WORDS]
        self.hint = hint
        self._offer_only = (kind or "").lower() in ALTERNATIVE_ONLY_KINDS
        self._margin = hint_margin
        if kind is not None and kind.lower() in SPELLING_KINDS:
            self._margin = min(hint_margin, SPELLING_HINT_MARGIN)
        self._upsample = Upsampler(input_rate, MODEL_RATE)
        self._input_rate = input_rate
        self._samples = 0
        self.cpu_s = 0.0
        self.last_gap: float | None = None
        # Each utterance starts from the caller's last cepstral mean (or the phone default),
        # never from whichever caller used this decoder before.
        start_cmn = cmn or PHONE_CMN
        for decoder in self._decoders():
            try:
                decoder.set_cmn(start_cmn)
            except (RuntimeError, ValueError):
                decoder.set_cmn(PHONE_CMN)
            decoder.start_utt()

    def _decoders(self) -> list:
        return [d for d in (self.general, self.domain, self.hint) if d is not None]

    def feed(self, pcm: bytes) -> None:
        """Decode a chunk of input PCM16 at the pipeline rate (first pass, as it arrives)."""
        if not pcm:
            return
        start = time.process_time()
        self._samples += len(pcm) // 2
        audio = self._upsample(pcm)
        if audio:
            for decoder in self._decoders():
                decoder.process_raw(audio, False, False)
        self.cpu_s += time.process_time() - start

    def finish(self) -> Recognition:
        """End the utterance; only the resampler tail and end_utt are left to do."""
        started = time.perf_counter()
        cpu = time.process_time()
        tail = self._upsample(b"", last=True)
        if tail:
            for decoder in self._decoders():
                decoder.process_raw(tail, False, False)
        self.general.end_utt()
        end_cmn = self.general.get_cmn(False)
        hyp = self.general.hyp()
        frames = self.general.n_frames()
        text = hyp.hypstr.strip() if hyp is not None else ""
        free_digits = _digit_count(text)
        score = _log_score(self.general, hyp)
        source = "lm"
        general_text = _clean(text)
        hint_alternative = ""
        if self.domain is not None:
            self.domain.end_utt()
            dom_hyp = self.domain.hyp()
            dom_text = dom_hyp.hypstr.strip() if dom_hyp is not None else ""
            free_digits = max(free_digits, _digit_count(dom_text))
            if dom_text and frames > 0:
                dom_score = _log_score(self.domain, dom_hyp)
                self.last_domain_gap = (dom_score - score) / frames
                if self.last_domain_gap >= self._domain_margin:
                    text, score, source = dom_text, dom_score, "domain"
        if self.hint is not None:
            self.hint.end_utt()
            hint_hyp = self.hint.hyp()
            if (
                hint_hyp is not None
                and hint_hyp.hypstr.strip()
                and frames > 0
                and not self._mentions_phrase(text)
                and not _invents_number(hint_hyp.hypstr, free_digits)
                and not _covers_little_of(hint_hyp.hypstr, text)
            ):
                # Both searches saw the same frames: compare path scores per frame.
                hint_score = _log_score(self.hint, hint_hyp)
                gap = (score - hint_score) / frames
                self.last_gap = gap
                # A whole number read by the grammar may replace the words of any question.
                offer_only = self._offer_only and _digit_count(hint_hyp.hypstr) < MIN_NUMBER_DIGITS
                if not offer_only and (gap <= self._margin or not text):
                    text, score, source = _without_hesitations(hint_hyp.hypstr), hint_score, "hint"
                elif gap <= HINT_ALTERNATIVE_MARGIN or not text:
                    hint_alternative = _clean(_without_hesitations(hint_hyp.hypstr))
        self.cpu_s += time.process_time() - cpu
        chosen = _clean(text)
        alternatives = []
        if source == "domain" and general_text and general_text != chosen:
            alternatives.append(general_text)
        if hint_alternative and hint_alternative != chosen:
            alternatives.append(hint_alternative)
        return Recognition(
            text=chosen,
            alternatives=tuple(alternatives),
            confidence=_confidence(score, frames),
            score=int(score),
            decode_ms=(time.perf_counter() - started) * 1000.0,
            frames=int(frames),
            source=source,
            audio_ms=self._samples * 1000.0 / self._input_rate,
            cmn=end_cmn,
        )

    def _mentions_phrase(self, text: str) -> bool:
        """Whether the general result already holds an expected phrase (then it is kept)."""
        padded = f" {' '.join(words_of(text))} "
        if self._whole_numbers and _digit_count(text) >= MIN_NUMBER_DIGITS:
            return True
        return any(p and f" {p} " in padded for p in self._phrases)

    def abort(self) -> None:
        """End the utterance and drop its result (the stream was cancelled)."""
        for decoder in self._decoders():
            try:
                decoder.end_utt()
            except RuntimeError:
                pass


def _without_hesitations(text: str) -> str:
    """Drop the grammar's filler hesitations; "oh" next to a digit word is a zero and stays."""
    words = text.split()
    kept = []
    for i, word in enumerate(words):
        if word in _HESITATIONS:
            near = words[max(0, i - 1) : i] + words[i + 1 : i + 2]
            if word != "oh" or not any(w in DIGIT_WORDS - {"oh"} for w in near):
                continue
        kept.append(word)
    return " ".join(kept)


def _digit_count(text: str) -> int:
    return sum(1 for w in words_of(text) if w in DIGIT_WORDS)


def _covers_little_of(hint_text: str, free_text: str) -> bool:
    """Whether a grammar result stands for only a small part of a sentence the free decoders
    heard (see MIN_SENTENCE_WORDS)."""
    free = len(words_of(free_text))
    return free >= MIN_SENTENCE_WORDS and 2 * len(words_of(hint_text)) < free


def _invents_number(hint_text: str, free_digits: int) -> bool:
    """Whether a grammar result reads a number the free decoders did not hear at all."""
    return _digit_count(hint_text) >= MIN_NUMBER_DIGITS and free_digits < MIN_FREE_DIGITS_FOR_NUMBER


def _log_score(decoder, hyp) -> int:
    """Path score in pocketsphinx log units (the Python API hands it back exponentiated)."""
    if hyp is None:
        return 0
    if hyp.score <= 0.0:
        return decoder.get_logmath().get_zero()
    return int(decoder.get_logmath().log(hyp.score))


def _clean(text: str) -> str:
    """Drop pocketsphinx noise/filler tokens such as <sil>, [noise], (2) variants."""
    words = []
    for word in text.split():
        if word.startswith(("<", "[", "+")):
            continue
        words.append(re.sub(r"\(\d+\)$", "", word))
    return " ".join(words)
