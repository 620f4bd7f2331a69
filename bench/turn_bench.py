"""End-of-turn calibration: how often each setting cuts a caller off, and how long it waits.

Usage: python bench/turn_bench.py [--json out.json]

Every utterance goes through the phone path (8 kHz, µ-law), then Silero VAD frame by frame
(as the call's VADProcessor runs it), pocketsphinx per VAD segment (as the call's recognizer
finalizes it, with the question's hint grammar and the demo business's domain LM), smart-turn
at every pause, and the same pure policy the call uses (switchboard.pipeline.turn_policy.judge).
Times are audio time; smart-turn's own measured inference time is added to each pause it
decides.

Utterances:
- phone: a caller reading a 10-digit number in groups with pauses (0.5 to 1.2 s) between them,
  each group synthesized on its own (flite), so every group ends with falling intonation;
  judged once with the agent expecting a phone number and once without;
- hesitation: "my name is ... Maria Lopez", sentence broken off mid-way, a pause, the rest;
- answer: short complete answers (the delay after a finished turn);
  both judged with what the agent had just asked for (office, name, insurance, ...), as in a
  call, so the "answers the question" rule (switchboard.brain.answered) applies;
- real: the real recorded speech in tests/fixtures/real-speech as recorded (complete turns),
  and each LibriVox sentence again with a 0.9 s pause inserted at a pause in its middle.

Settings read "smart stop S, pause M, thr T": END_OF_TURN=smart, VAD_STOP_SECS=S,
TURN_MAX_PAUSE_SECS=M, SMART_TURN_THRESHOLD=T (0.7 unless given). A cut-off is a turn
finalized before the caller's last word; delay is from the caller's last voiced audio to the
finalization that ended the turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pipecat.audio.vad.silero import SileroVADAnalyzer  # noqa: E402
from pipecat.audio.vad.vad_analyzer import VADParams, VADState  # noqa: E402

from switchboard.brain.answered import answers_question  # noqa: E402
from switchboard.brain.replies import expect_phrases  # noqa: E402
from switchboard.pipeline.turn_policy import Verdict, judge  # noqa: E402
from switchboard.profiles import default_profiles_dir, load_profile  # noqa: E402
from switchboard.settings import Settings  # noqa: E402
from switchboard.speech.decoder_pool import DecoderPool  # noqa: E402
from switchboard.speech.domain_corpus import domain_sentences  # noqa: E402
from switchboard.speech.evaluation import (  # noqa: E402
    flite_available,
    flite_say,
    phone_path,
    read_audio,
    real_speech_set,
)
from switchboard.speech.smart_turn import shared_model  # noqa: E402

RATE = 8000
FRAME = 160  # samples per 20 ms
PREROLL = 0.3  # the recognizer's pre-roll
LEAD, TAIL = 0.4, 3.5  # silence before and after each utterance
PROFILE = load_profile(default_profiles_dir() / "bayside-vision.yaml")


@dataclass
class Item:
    name: str
    group: str
    pcm: np.ndarray  # int16 at 8 kHz, phone path applied
    speech_end: float  # seconds: the caller's last voiced audio
    expect: str | None = None


@dataclass
class Candidate:
    label: str
    mode: str  # "vad" | "smart" | "model-only"
    stop_secs: float
    max_pause: float = 2.0
    threshold: float = 0.7
    answers: bool = True  # the "answers the question" rule (switchboard.brain.answered)


@dataclass
class Outcome:
    cut: bool
    delay: float
    segments: int
    model_ms: list[float] = field(default_factory=list)


def silence(secs: float) -> np.ndarray:
    return np.zeros(int(secs * RATE), dtype=np.int16)


def to_phone(pcm: np.ndarray, rate: int) -> np.ndarray:
    return np.frombuffer(phone_path(pcm, rate), dtype=np.int16)


def last_voiced(pcm: np.ndarray) -> float:
    frames = pcm[: len(pcm) // FRAME * FRAME].astype(np.float64).reshape(-1, FRAME)
    rms = np.sqrt((frames**2).mean(axis=1))
    voiced = np.nonzero(rms > 150)[0]
    return float((voiced[-1] + 1) * FRAME / RATE) if voiced.size else 0.0


def item(name: str, group: str, parts: list[np.ndarray], expect: str | None = None) -> Item:
    pcm = np.concatenate([silence(LEAD), *parts])
    end = last_voiced(pcm)
    return Item(name, group, np.concatenate([pcm, silence(TAIL)]), end, expect)


def say(text: str) -> np.ndarray:
    return to_phone(*flite_say(text))


def trimmed(pcm: np.ndarray) -> np.ndarray:
    end = int(last_voiced(pcm) * RATE)
    return pcm[:end]


def mid_pause_split(pcm: np.ndarray, pause: float) -> list[np.ndarray] | None:
    """Insert ``pause`` s of silence at the quiet 20 ms frame nearest the middle of speech."""
    frames = pcm[: len(pcm) // FRAME * FRAME].astype(np.float64).reshape(-1, FRAME)
    rms = np.sqrt((frames**2).mean(axis=1))
    voiced = np.nonzero(rms > 150)[0]
    if voiced.size < 20:
        return None
    first, last = voiced[0], voiced[-1]
    quiet = [i for i in range(first + 10, last - 10) if rms[i] < 100]
    if not quiet:
        return None
    middle = (first + last) / 2
    cut = min(quiet, key=lambda i: abs(i - middle)) * FRAME
    return [pcm[:cut], silence(pause), pcm[cut:]]


def build_items() -> list[Item]:
    items: list[Item] = []
    if flite_available():
        numbers = [
            (["five one two", "five five five", "oh one nine nine"], 0.8),
            (["three oh five", "two two one", "four eight six seven"], 1.0),
            (["my number is", "seven eight six", "four four one", "two nine oh three"], 0.7),
            (["it's two one four", "nine oh six", "five five three one"], 1.2),
            (["eight one three", "six six two", "oh oh four seven"], 0.5),
        ]
        for i, (groups, pause) in enumerate(numbers):
            parts: list[np.ndarray] = []
            for g in groups:
                parts += [trimmed(say(g)), silence(pause)]
            parts.pop()
            items.append(item(f"phone-{i}", "phone", parts, expect="phone"))
            items.append(item(f"phone-{i}-unprompted", "phone", parts, expect=None))
        # (what the caller says, a pause, the rest; what the agent had asked for)
        hesitations = [
            ("my name is", "Maria Lopez", 0.9, "name"),
            ("I would like to book an appointment for", "next Tuesday morning", 0.8, "reason"),
            ("uh", "I need to reschedule my appointment", 1.0, "reason"),
            ("the office on", "Coral Way", 0.7, "office"),
            ("I have", "Blue Cross Blue Shield", 0.8, "insurance"),
            ("Maria", "Lopez", 0.7, "name"),
            ("I need an eye exam", "for my daughter", 0.8, "reason"),
        ]
        for i, (head, tail, pause, expect) in enumerate(hesitations):
            parts = [trimmed(say(head)), silence(pause), trimmed(say(tail))]
            items.append(item(f"hesitation-{i}", "hesitation", parts, expect=expect))
        sentence = "I would like to book an eye exam at the downtown office on Tuesday"
        split = mid_pause_split(trimmed(say(sentence)), 0.8)
        if split:
            items.append(item("hesitation-midsentence", "hesitation", split, expect="reason"))
        for i, (text, expect) in enumerate(
            [
                ("yes", None),
                ("no thank you", "anything_else"),
                ("the downtown office", "office"),
                ("Kendall", "office"),
                ("I have Aetna", "insurance"),
                ("I have Blue Cross Blue Shield", "insurance"),
                ("Tuesday morning please", "time"),
                ("next Thursday", "time"),
                ("I would like to book an eye exam", "reason"),
                ("Hi, I'd like to make an appointment for an eye exam.", "reason"),
                ("that is all, thank you", "anything_else"),
                ("my name is Maria Lopez", "name"),
                ("Maria Gonzalez", "name"),
            ]
        ):
            items.append(item(f"answer-{i}", "answer", [trimmed(say(text))], expect=expect))
    for path, _text in real_speech_set():
        pcm = to_phone(*read_audio(path))
        items.append(item(f"real-{path.stem}", "real", [trimmed(pcm)]))
        if path.stem.startswith("librivox"):
            split = mid_pause_split(trimmed(pcm), 0.9)
            if split:
                items.append(item(f"real-{path.stem}-paused", "real-paused", split))
    return items


def vad_segments(pcm: np.ndarray, stop_secs: float) -> list[tuple[float, float]]:
    """(start event time, stop event time) pairs as the call's VADProcessor reports them."""
    vad = SileroVADAnalyzer(
        sample_rate=RATE,
        params=VADParams(confidence=0.6, start_secs=0.15, stop_secs=stop_secs, min_volume=0.3),
    )
    vad.set_sample_rate(RATE)
    state = VADState.QUIET
    out: list[tuple[float, float]] = []
    start = 0.0
    data = pcm.tobytes()
    for i in range(0, len(data) - 2 * FRAME + 1, 2 * FRAME):
        new = vad._run_analyzer(data[i : i + 2 * FRAME])  # the analyzer's sync path
        t = (i + 2 * FRAME) / 2 / RATE
        if new != state and new not in (VADState.STARTING, VADState.STOPPING):
            if new == VADState.SPEAKING:
                start = t
            elif new == VADState.QUIET and state == VADState.SPEAKING:
                out.append((start, t))
            state = new
    return out


class Oracle:
    """Cached recognizer and smart-turn answers (the same segment is judged by many settings)."""

    def __init__(self, pool: DecoderPool) -> None:
        self.pool = pool
        self.text: dict[tuple, str] = {}
        self.prob: dict[tuple, tuple[float, float]] = {}
        self.model = shared_model()

    async def transcript(self, it: Item, start: float, stop: float) -> str:
        key = (it.name, it.expect, round(start, 2), round(stop, 2))
        if key not in self.text:
            a = max(0, int((start - 0.15 - PREROLL) * RATE))
            b = int(stop * RATE)
            # as a call decodes it: the question's hint grammar and the business's domain LM
            result = await self.pool.recognize(
                it.pcm[a:b].tobytes(),
                kind=it.expect,
                phrases=expect_phrases(PROFILE, it.expect),
                domain=PROFILE.id,
            )
            self.text[key] = result.text
        return self.text[key]

    def probability(self, it: Item, turn_start: float, stop: float) -> tuple[float, float]:
        key = (it.name, round(turn_start, 2), round(stop, 2))
        if key not in self.prob:
            a = max(0, int((turn_start - 0.15 - 0.5) * RATE))
            b = int(stop * RATE)
            p = self.model.predict(it.pcm[a:b].tobytes(), RATE)
            self.prob[key] = (p.probability, p.inference_ms)
        return self.prob[key]


async def simulate(oracle: Oracle, it: Item, c: Candidate, segs: list) -> Outcome:
    """Run the end-of-turn decision over the VAD segments; first finalization ends the turn."""
    if not segs:
        return Outcome(cut=True, delay=float("nan"), segments=0)
    turn_start = segs[0][0]
    texts: list[str] = []
    model_ms: list[float] = []
    for k, (start, stop) in enumerate(segs):
        release: float | None = None
        if c.mode == "vad":
            release = stop
        else:
            texts.append(await oracle.transcript(it, start, stop))
            prob, ms = oracle.probability(it, turn_start, stop)
            model_ms.append(ms)
            if c.mode == "model-only":
                complete = prob >= c.threshold
            else:
                text = " ".join(texts)
                answered = c.answers and answers_question(PROFILE, text, it.expect)
                d = judge(
                    text, prob, expect=it.expect, threshold=c.threshold, answered=answered
                )
                complete = d.verdict == Verdict.COMPLETE
            if complete:
                release = stop + ms / 1000.0
            else:
                limit = stop - c.stop_secs + c.max_pause
                nxt = segs[k + 1][0] if k + 1 < len(segs) else None
                # The VAD start fires start_secs after speech resumes; the pause ends there.
                if nxt is None or nxt > limit:
                    release = limit
        if release is not None:
            cut = release < it.speech_end - 0.05
            return Outcome(cut, release - it.speech_end, k + 1, model_ms)
    return Outcome(cut=False, delay=float("nan"), segments=len(segs), model_ms=model_ms)


async def explain(oracle: Oracle, items: list[Item], stop_secs: float) -> None:
    for it in items:
        segs = vad_segments(it.pcm, stop_secs)
        texts: list[str] = []
        line = []
        for start, stop in segs:
            texts.append(await oracle.transcript(it, start, stop))
            p, _ = oracle.probability(it, segs[0][0], stop)
            text = " ".join(texts)
            answered = answers_question(PROFILE, text, it.expect)
            d = judge(text, p, expect=it.expect, answered=answered)
            line.append(f"[{start:.2f}-{stop:.2f} {texts[-1]!r} p={p:.2f} {d.reason}]")
        print(f"{it.name} (ends {it.speech_end:.2f}, expect {it.expect}): " + " ".join(line))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(v for v in values if v == v)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


CANDIDATES: list[Candidate] = [
    Candidate("vad stop 0.6 (before)", "vad", 0.6),
    Candidate("vad stop 0.3", "vad", 0.3),
    Candidate("vad stop 1.0", "vad", 1.0),
    Candidate("vad stop 1.5", "vad", 1.5),
    Candidate("smart-turn only, stop 0.3", "model-only", 0.3),
    Candidate("smart stop 0.2, pause 2.0, thr 0.5", "smart", 0.2, 2.0, 0.5),
    Candidate("smart stop 0.2, pause 2.0, thr 0.3", "smart", 0.2, 2.0, 0.3),
    Candidate("smart stop 0.2, pause 2.0 (default)", "smart", 0.2, 2.0, 0.7),
    Candidate("  same, without the answers rule", "smart", 0.2, 2.0, 0.7, answers=False),
    Candidate("smart stop 0.2, pause 1.5", "smart", 0.2, 1.5, 0.7),
    Candidate("smart stop 0.3, pause 2.0", "smart", 0.3, 2.0, 0.7),
]
GROUPS = ["phone", "hesitation", "real-paused", "answer", "real"]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--explain", action="store_true", help="print every pause's words and verdict (stop 0.3)"
    )
    args = parser.parse_args()
    items = build_items()
    print(
        f"{len(items)} utterances: "
        + ", ".join(f"{g} {sum(i.group == g for i in items)}" for g in GROUPS)
    )
    settings = Settings(_env_file=None, stt_workers=1)  # type: ignore[call-arg]
    rows = []
    domains = {PROFILE.id: domain_sentences(PROFILE)}
    async with DecoderPool(settings, workers=1, domains=domains) as pool:
        oracle = Oracle(pool)
        if args.explain:
            await explain(oracle, items, 0.3)
        vad_cache: dict[tuple[str, float], list] = {}
        for c in CANDIDATES:
            per_group: dict[str, list[Outcome]] = {g: [] for g in GROUPS}
            for it in items:
                key = (it.name, c.stop_secs)
                if key not in vad_cache:
                    vad_cache[key] = vad_segments(it.pcm, c.stop_secs)
                per_group[it.group].append(await simulate(oracle, it, c, vad_cache[key]))
            rows.append((c, per_group))
    header = (
        f"{'setting':36} {'cut: phone':>10} {'hesit.':>7} {'real+pause':>10} "
        f"{'answer':>7} {'real':>6} | {'delay P50':>9} {'P95':>6} {'waited':>6} | {'model ms':>8}"
    )
    print(header)
    print("-" * len(header))
    report = []
    for c, per_group in rows:
        cuts = {g: f"{sum(o.cut for o in per_group[g])}/{len(per_group[g])}" for g in GROUPS}
        finished = [o.delay for g in GROUPS for o in per_group[g] if not o.cut]
        answers = [o.delay for g in ("answer", "real") for o in per_group[g] if not o.cut]
        ms = [m for g in GROUPS for o in per_group[g] for m in o.model_ms]
        waited = f"{sum(d >= 1.0 for d in answers)}/{len(answers)}"
        print(
            f"{c.label:36} {cuts['phone']:>10} {cuts['hesitation']:>7} {cuts['real-paused']:>10} "
            f"{cuts['answer']:>7} {cuts['real']:>6} | {pct(answers, 0.5):9.2f} "
            f"{pct(answers, 0.95):6.2f} {waited:>6} | "
            f"{(statistics.median(ms) if ms else float('nan')):8.0f}"
        )
        report.append(
            {
                "setting": c.__dict__,
                "cut_offs": cuts,
                "delay_complete_turns_p50_s": pct(answers, 0.5),
                "delay_complete_turns_p95_s": pct(answers, 0.95),
                "delay_all_p50_s": pct(finished, 0.5),
                "complete_turns_waited": waited,
                "model_ms_p50": statistics.median(ms) if ms else None,
                "model_ms_p95": pct(ms, 0.95) if ms else None,
            }
        )
    print(
        "cut = turns finalized before the caller's last word (n/N); delay (s) = caller's last "
        "voiced audio to end of turn, over complete answers and real recordings not cut; "
        "waited = of those, how many waited 1 s or more (the model said unfinished)."
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
