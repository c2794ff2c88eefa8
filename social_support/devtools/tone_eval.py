"""Tone warnings on the labelled replies (tests/data/tone/<lang>.jsonl), per language and overall.

Each line is an agent's reply: ``{"text": ..., "dismissive": true|false}``. Good replies must pass
(a warning on one is a false positive that slows the agent down); dismissive ones, which play the
customer's problem down ("just restart it", "Sie müssen nur", "po prostu"), must be warned.
The reply's language is detected as the gate detects it. Goals: under 5% of the good replies
warned and at least 90% of the dismissive ones, in every language. No Frappe needed:

    python -m social_support.devtools.tone_eval [--misses] [--holdout] [--data DIR]

prints the figures and exits 1 when a goal is missed (the pure suite checks the same goals).
``holdout/`` holds replies written after the lexicons were tuned on the main set: reported, not gated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from social_support.analysis.language import detect_language
from social_support.analysis.tone import tone_warnings

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "tone"

MAX_FALSE_POSITIVE_RATE = 0.05  # good replies warned
MIN_TRUE_POSITIVE_RATE = 0.9  # dismissive replies warned
MIN_GOOD, MIN_DISMISSIVE = 60, 20  # replies per language


def load(path: Path) -> list[dict]:
	return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(rows: list[dict]) -> dict:
	good = [r for r in rows if not r["dismissive"]]
	bad = [r for r in rows if r["dismissive"]]
	misses = []
	fp = tp = 0
	for row in rows:
		words = tone_warnings(row["text"], detect_language(row["text"]))
		if row["dismissive"]:
			tp += bool(words)
		else:
			fp += bool(words)
		if bool(words) != row["dismissive"]:
			misses.append({"text": row["text"], "dismissive": row["dismissive"], "warned": words})
	return {
		"good": len(good),
		"dismissive": len(bad),
		"false_positives": fp,
		"true_positives": tp,
		"fp_rate": fp / len(good) if good else 0.0,
		"tp_rate": tp / len(bad) if bad else 1.0,
		"misses": misses,
	}


def evaluate(folder: Path = DATA) -> dict:
	files = sorted(folder.glob("*.jsonl"))
	per = {p.stem: score(load(p)) for p in files}
	per["overall"] = score([row for p in files for row in load(p)])
	return per


def failures(results: dict) -> list[str]:
	out = []
	for lang, r in results.items():
		if r["fp_rate"] >= MAX_FALSE_POSITIVE_RATE:
			out.append(
				f"{lang}: {r['fp_rate']:.1%} of good replies warned (goal < {MAX_FALSE_POSITIVE_RATE:.0%})"
			)
		if r["tp_rate"] < MIN_TRUE_POSITIVE_RATE:
			out.append(
				f"{lang}: {r['tp_rate']:.1%} of dismissive replies warned (goal >= {MIN_TRUE_POSITIVE_RATE:.0%})"
			)
		if lang != "overall" and (r["good"] < MIN_GOOD or r["dismissive"] < MIN_DISMISSIVE):
			out.append(
				f"{lang}: {r['good']} good / {r['dismissive']} dismissive replies (need {MIN_GOOD} / {MIN_DISMISSIVE})"
			)
	return out


def report(results: dict) -> str:
	head = (
		f"{'set':8} {'good':>5} {'warned':>7} {'FP rate':>8} {'dismissive':>11} {'warned':>7} {'TP rate':>8}"
	)
	lines = [head, "-" * len(head)]
	for lang, r in results.items():
		lines.append(
			f"{lang:8} {r['good']:>5} {r['false_positives']:>7} {r['fp_rate']:>8.1%} "
			f"{r['dismissive']:>11} {r['true_positives']:>7} {r['tp_rate']:>8.1%}"
		)
	return "\n".join(lines)


def print_misses(results: dict) -> None:
	for lang, r in results.items():
		if lang != "overall":
			for m in r["misses"]:
				kind = "missed" if m["dismissive"] else f"warned {m['warned']}"
				print(f"[{lang}] {kind}: {m['text']}")


def main(argv: list[str] | None = None) -> int:
	p = argparse.ArgumentParser(description="Tone warnings on the labelled replies, per language.")
	p.add_argument("--misses", action="store_true", help="list the replies warned or missed wrongly")
	p.add_argument("--holdout", action="store_true", help="also report the held-out replies (not gated)")
	p.add_argument("--data", type=Path, default=DATA, help="folder of <lang>.jsonl files")
	args = p.parse_args(argv)
	results = evaluate(args.data)
	print(report(results))
	if args.misses:
		print_misses(results)
	if args.holdout and (args.data / "holdout").is_dir():
		held = evaluate(args.data / "holdout")
		print("\nheld-out replies (written after tuning, not gated):")
		print(report(held))
		if args.misses:
			print_misses(held)
	failed = failures(results)
	if failed:
		print("\nGOALS MISSED:\n  " + "\n  ".join(failed))
		return 1
	print("\nall goals met")
	return 0


if __name__ == "__main__":
	sys.exit(main())
