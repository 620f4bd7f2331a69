"""Embedded STT benchmark: post-turn decode time, CPU per audio second, WER with/without hints.

Usage: python bench/stt_bench.py [--calls 12] [--workers 2] [--rounds 2] [--no-domain]

With the domain LM (default, as in a live call): also word errors on every scenario caller
line (tests/scenarios, flite voice) with the general LM alone and with the demo practice's
domain LM, and the concurrency run decodes with both, as calls do.

Each simulated call streams a real recording through the phone path in 20 ms frames at real
time (as a caller would), then waits the VAD stop delay and finishes the stream. "Post-turn"
is finish() to result as the call saw it (queueing included); "decode" is the worker's own
end-of-utterance work.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from pathlib import Path

from switchboard.profiles import default_profiles_dir, load_profile
from switchboard.settings import Settings
from switchboard.simulator.scenario import load_scenario
from switchboard.speech.decoder_pool import DecoderPool
from switchboard.speech.domain_corpus import domain_sentences
from switchboard.speech.evaluation import (
    HINT_OFFICES as OFFICES,
)
from switchboard.speech.evaluation import (
    HINT_PLANS as PLANS,
)
from switchboard.speech.evaluation import (
    flite_available,
    flite_say,
    phone_path,
    read_audio,
    real_speech_set,
    word_errors,
)
from switchboard.speech.recognizer import words_of

HINTED = [
    ("office", "Coral Gables"),
    ("office", "Round Rock"),
    ("office", "Hialeah"),
    ("office", "the one in Kendall"),
    ("office", "Pflugerville please"),
    ("office", "I would like the Coral Gables office please"),
    ("office", "Doral"),
    ("insurance", "Blue Cross Blue Shield"),
    ("insurance", "I have Humana"),
    ("insurance", "Aetna"),
    ("insurance", "WellCare"),
    ("insurance", "United Healthcare"),
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


DOMAIN = "bayside-vision"


async def call(
    pool: DecoderPool, pcm: bytes, stop_delay: float, domain: str | None = None
) -> tuple[float, float]:
    stream = pool.open_stream(domain=domain)
    step = 320
    t0 = time.perf_counter()
    for n, i in enumerate(range(0, len(pcm), step)):
        stream.feed(pcm[i : i + step])
        # pace on the wall clock so scheduling jitter does not accumulate
        await asyncio.sleep(max(0.0, t0 + (n + 1) * 0.02 - time.perf_counter()))
    await asyncio.sleep(stop_delay)
    result = await stream.finish(limit_s=30)
    return result.latency_ms, result.decode_ms


async def main(args: argparse.Namespace) -> None:
    settings = Settings(environment="test", max_concurrent_calls=args.calls)
    domain = None if args.no_domain else DOMAIN
    domains = None
    profile = None
    if domain:
        profile = load_profile(default_profiles_dir() / f"{DOMAIN}.yaml")
        domains = {DOMAIN: domain_sentences(profile)}
    pool = DecoderPool(
        settings,
        workers=args.workers,
        preload=max(1, args.calls // args.workers),
        domains=domains,
        sounds_like=profile.sounds_like if profile else None,
    )
    t = time.perf_counter()
    await pool.start()
    print(f"pool: {args.workers} workers started in {time.perf_counter() - t:.1f} s")
    utterances = [(phone_path(*read_audio(p)), ref) for p, ref in real_speech_set()]

    # 1. WER, general model, real speech
    errors = words = 0
    for pcm, ref in utterances:
        r = await pool.recognize(pcm)
        e, n = word_errors(ref, r.text)
        errors, words = errors + e, words + n
    print(f"WER real speech (phone path, general LM): {errors / words:.3f} over {words} words")
    if domain:
        errors = 0
        for pcm, ref in utterances:
            r = await pool.recognize(pcm, domain=domain)
            errors += word_errors(ref, r.text)[0]
        print(f"WER real speech with the domain LM beside it: {errors / words:.3f}")

    # 1b. WER on the scenario caller lines (flite), general LM alone vs with the domain LM
    if domain and flite_available():
        lines = sorted(
            {
                step.say
                for path in sorted(Path("tests/scenarios").rglob("*.yaml"))  # noqa: ASYNC240
                for step in load_scenario(path).caller
                if getattr(step, "say", None)
            }
        )
        g_err = d_err = total = 0
        for line in lines:
            pcm = phone_path(*flite_say(line))
            ref = " ".join(words_of(line))
            g_err += word_errors(ref, (await pool.recognize(pcm)).text)[0]
            e, n = word_errors(ref, (await pool.recognize(pcm, domain=domain)).text)
            d_err, total = d_err + e, total + n
        print(
            f"WER scenario caller lines ({len(lines)} lines, {total} words): general LM "
            f"{g_err / total:.3f}; with the domain LM {d_err / total:.3f}"
        )

    # 2. WER and phrase hits, with and without hints (flite)
    if flite_available():
        plain_e = hint_e = total = plain_hits = hint_hits = 0
        for kind, said in HINTED:
            pcm = phone_path(*flite_say(said))
            phrases = OFFICES if kind == "office" else PLANS
            plain = await pool.recognize(pcm)
            hinted = await pool.recognize(pcm, kind=kind, phrases=phrases)
            e1, n = word_errors(said, plain.text)
            e2, _ = word_errors(said, hinted.text)
            plain_e, hint_e, total = plain_e + e1, hint_e + e2, total + n
            key = next(p for p in phrases if f" {' '.join(words_of(p))} " in f" {said.lower()} ")
            k = " ".join(words_of(key))
            plain_hits += f" {k} " in f" {' '.join(words_of(plain.text))} "
            hint_hits += f" {k} " in f" {' '.join(words_of(hinted.text))} "
            print(f"  {said!r:48} plain={plain.text!r:38} hinted={hinted.text!r} [{hinted.source}]")
        print(
            f"WER flite answers without hints: {plain_e / total:.3f}; with hints: "
            f"{hint_e / total:.3f}; phrase hits {plain_hits}/{len(HINTED)} -> "
            f"{hint_hits}/{len(HINTED)}"
        )
        print(
            f"hint words spelled from dictionary pieces: {pool.stats.hint_words_compound}, "
            f"skipped: {pool.stats.hint_words_skipped}"
        )
    else:
        print("flite not installed: hint comparison skipped")

    # 3. Concurrency: N calls streaming at real time
    pool.stats.cpu_s = pool.stats.audio_s = 0.0
    latencies: list[float] = []
    decodes: list[float] = []
    rng = random.Random(7)
    wall = time.perf_counter()
    for _ in range(args.rounds):
        picks = [rng.choice(utterances)[0] for _ in range(args.calls)]
        results = await asyncio.gather(
            *(call(pool, pcm, args.stop_delay, domain) for pcm in picks)
        )
        for latency, decode in results:
            latencies.append(latency)
            decodes.append(decode)
    wall = time.perf_counter() - wall
    print(
        f"{args.calls} concurrent calls x {args.rounds} rounds, {args.workers} workers"
        f"{', domain LM on' if domain else ''}:"
    )
    print(
        f"  post-turn latency (finish -> result) P50 {statistics.median(latencies):.1f} ms, "
        f"P95 {pct(latencies, 0.95):.1f} ms"
    )
    print(
        f"  worker end-of-utterance work P50 {statistics.median(decodes):.1f} ms, "
        f"P95 {pct(decodes, 0.95):.1f} ms"
    )
    print(
        f"  CPU seconds per audio second: {pool.stats.cpu_s / pool.stats.audio_s:.3f} "
        f"({pool.stats.audio_s:.0f} s audio in {wall:.0f} s wall)"
    )
    await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--stop-delay", type=float, default=0.2)
    parser.add_argument("--no-domain", action="store_true", help="general LM only")
    asyncio.run(main(parser.parse_args()))
