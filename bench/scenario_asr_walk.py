"""Fast audio-mode approximation: each scenario line spoken by the simulator's voice, decoded by
the same pocketsphinx decoders a call uses (general LM + domain LM + the question's hint
grammar), fed to the flow. No VAD, no real time: 40 scenarios in about 10 s, for iterating on
recognition and understanding before running the real audio eval.

Usage: python bench/scenario_asr_walk.py [--no-domain] [-v] tests/scenarios/**/*.yaml

Silence steps are not modelled, so scenarios that need them (silent caller, hang-ups) are
reported but not judged. The real check stays ``switchboard eval ... --mode audio``.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from switchboard.brain import flow
from switchboard.brain.answered import choose_heard
from switchboard.brain.dialogue import state_as_dict
from switchboard.profiles import ProfileRegistry, default_profiles_dir
from switchboard.simulator.expectations import _check_request
from switchboard.simulator.scenario import load_scenarios
from switchboard.simulator.voice import synthesize_caller_sync
from switchboard.speech.domain_corpus import domain_sentences
from switchboard.speech.evaluation import word_errors
from switchboard.speech.recognizer import (
    DecoderFactory,
    DomainModels,
    HintCache,
    Utterance,
    words_of,
)


def main(args: argparse.Namespace) -> None:
    registry = ProfileRegistry.load_dir(default_profiles_dir())
    factory = DecoderFactory(
        Path(tempfile.mkdtemp(prefix="sb-walk-")), sounds_like=registry.sounds_like()
    )
    hints = HintCache(factory)
    general = factory.general()
    domains = DomainModels(factory, {p.id: domain_sentences(p) for p in registry})
    errors = words = matched = judged = all_keys = 0
    for sc in load_scenarios(args.paths):
        profile = registry.for_called_number(sc.business)
        domain = None if args.no_domain else domains.get(profile.id)
        now = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
        state, reply = flow.start(profile, caller_id=sc.caller_id, now=now)
        lines = []
        for step in sc.caller:
            said = getattr(step, "say", None)
            if not said:
                continue
            pcm = synthesize_caller_sync(said).pcm16
            phrases = tuple(reply.expect_phrases or ())
            hint, _ = hints.get(reply.expect, phrases) if phrases else (None, None)
            utt = Utterance(general, hint, phrases=phrases, domain=domain, kind=reply.expect)
            for i in range(0, len(pcm), 640):
                utt.feed(pcm[i : i + 640])
            heard = utt.finish()
            hints.release(hint)
            e, n = word_errors(" ".join(words_of(said)), heard.text)
            errors, words = errors + e, words + n
            acted = choose_heard(profile, heard.text, heard.alternatives, state.expect)
            taken = f" -> acted on {acted!r}" if acted != heard.text else ""
            lines.append(f"    {said!r} -> {heard.text!r} ({heard.source}){taken}")
            state, answer = flow.step(profile, state, acted)
            if answer is not None:
                reply = answer
                lines.append(f"      agent: {reply.text}")
        expect = sc.expect
        silent = any(
            getattr(step, "silence", None) or getattr(step, "hang_up", None) for step in sc.caller
        )
        office = expect.request.office if expect.request else None
        ok = (expect.outcome in (None, state.outcome)) and (
            not office or office == state.request.office
        )
        misses = (
            _check_request(expect.request.fields_set(), state_as_dict(state.request))
            if expect.request
            else []
        )
        if not silent:
            judged += 1
            matched += ok
            all_keys += ok and not misses
        mark = "skip" if silent else ("ok  " if ok else "MISS")
        print(f"{mark} {sc.name}: outcome={state.outcome} office={state.request.office!r}")
        for miss in misses:
            print(f"       {miss}")
        if args.verbose or (not ok and not silent):
            print("\n".join(lines))
    print(f"outcome+office match {matched}/{judged} (silences/hang-ups not judged)")
    print(f"and every request key {all_keys}/{judged}")
    print(f"word errors {errors}/{words} = {errors / max(words, 1):.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--no-domain", action="store_true", help="general LM only")
    parser.add_argument("-v", "--verbose", action="store_true")
    main(parser.parse_args())
