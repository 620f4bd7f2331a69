"""Does a question's grammar make answers out of anything? Every scenario caller line, spoken by
the simulator's voice through the phone path, decoded as if it answered one question (general
LM + domain LM + that question's grammar, as a call does); counts the lines where the grammar's
words were chosen or offered, split by whether the line holds an expected phrase at all.

Usage: python bench/grammar_fit.py [office insurance anything_else spelling ...]

A grammar that is chosen or offered for many lines that hold no expected phrase turns other
answers ("No thanks.", a name, a question) into the kind of answer asked for. Measured once
on session 8's code: reason 95 and time 83 lines made answers (those questions now have no
grammar); office 60, plan 74, closing 19 (their words are now only offered, see
``recognizer.ALTERNATIVE_ONLY_KINDS``). Takes ~2 minutes per question on 2 cores.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from switchboard.brain.answered import choose_heard
from switchboard.brain.replies import expect_phrases
from switchboard.profiles import ProfileRegistry, default_profiles_dir
from switchboard.simulator.scenario import load_scenarios
from switchboard.simulator.voice import synthesize_caller_sync, ulaw_to_pcm16
from switchboard.speech.domain_corpus import domain_sentences
from switchboard.speech.recognizer import (
    HINT_ALTERNATIVE_MARGIN,
    DecoderFactory,
    DomainModels,
    HintCache,
    Utterance,
    words_of,
)


def main(args: argparse.Namespace) -> None:
    registry = ProfileRegistry.load_dir(default_profiles_dir())
    profile = registry.default
    factory = DecoderFactory(
        Path(tempfile.mkdtemp(prefix="sb-fit-")), sounds_like=registry.sounds_like()
    )
    general = factory.general()
    domains = DomainModels(factory, {profile.id: domain_sentences(profile)})
    hints = HintCache(factory)
    paths = sorted(Path(args.scenarios).rglob("*.yaml"))
    lines = sorted(
        {s.say for sc in load_scenarios(paths) for s in sc.caller if getattr(s, "say", None)}
    )
    audio = {line: ulaw_to_pcm16(synthesize_caller_sync(line).ulaw) for line in lines}
    for kind in args.kinds:
        phrases = tuple(expect_phrases(profile, kind))
        if not phrases:
            print(f"== {kind}: no grammar")
            continue
        keys = [k for k in (" ".join(words_of(p)) for p in phrases) if len(k) > 1]

        def holds(text: str, keys: list[str] = keys) -> bool:
            padded = f" {' '.join(words_of(text))} "
            return any(f" {k} " in padded for k in keys)

        made = fitted = acted_made = 0
        rows = []
        for line in lines:
            pcm = audio[line]
            domain = domains.get(profile.id)
            hint, _ = hints.get(kind, phrases)
            utt = Utterance(general, hint, phrases=phrases, domain=domain, kind=kind)
            for i in range(0, len(pcm), 640):
                utt.feed(pcm[i : i + 640])
            result = utt.finish()
            domains.release(profile.id, domain)
            hints.release(hint)
            grammar_words = result.text if result.source == "hint" else ""
            offered = utt.last_gap is not None and utt.last_gap <= HINT_ALTERNATIVE_MARGIN
            if not grammar_words and offered and result.alternatives:
                grammar_words = result.alternatives[-1]  # the grammar's reading comes last
            if not grammar_words:
                continue
            # What the dialogue acts on (choose_heard takes an offered reading only when the
            # chosen words answer nothing).
            acted = choose_heard(profile, result.text, result.alternatives, kind)
            if holds(line):
                fitted += 1
                mark = "has "
            else:
                made += 1
                acted_made += acted == grammar_words
                mark = "NONE" + (" ACTED ON" if acted == grammar_words else "")
            rows.append(f"  {mark} {line!r} -> {grammar_words!r} ({result.source})")
        print(
            f"== {kind}: grammar words chosen or offered for {made} lines that hold no "
            f"expected phrase (acted on: {acted_made}) and {fitted} that do ({len(lines)} lines)"
        )
        if args.verbose:
            print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kinds", nargs="*", default=["office", "insurance", "anything_else"])
    parser.add_argument("--scenarios", default="tests/scenarios")
    parser.add_argument("-v", "--verbose", action="store_true")
    main(parser.parse_args())
