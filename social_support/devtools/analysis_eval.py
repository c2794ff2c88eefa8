"""Quality of ``analyze`` on the labelled set (tests/data/analysis/<lang>.jsonl), per language and overall.

Goals (the issue's): PII recall >= 0.95 with precision >= 0.9; language accuracy >= 0.95;
intent macro-F1 >= 0.8; urgency recall >= 0.9 — each per language and overall. No Frappe needed:

    python -m social_support.devtools.analysis_eval [--misses] [--holdout] [--data DIR]

prints the scores and exits 1 when a goal is missed (the pure suite checks the same goals).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from social_support.analysis import analyze

# the labelled set lives with the tests of a source checkout
DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "analysis"

INTENTS = ("complaint", "question", "praise", "spam", "troll", "other")
GOALS = {
	"pii_recall": 0.95,
	"pii_precision": 0.9,
	"language_accuracy": 0.95,
	"intent_macro_f1": 0.8,
	"urgent_recall": 0.9,
}


def load(path: Path) -> list[dict]:
	return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ratio(a: int, b: int) -> float:
	return a / b if b else 1.0


def score(rows: list[dict]) -> dict:
	c = defaultdict(int)
	pii_kind = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
	intent = {k: [0, 0, 0] for k in INTENTS}
	misses = []
	for row in rows:
		a = analyze(row["text"])
		want_lang = row["language"]
		c["n"] += 1
		c["lang_ok"] += a.language == want_lang
		c["sent_ok"] += a.sentiment == row["sentiment"]
		got, want = set(a.pii), set(row["pii"])
		for k in got | want:
			pii_kind[k][0] += k in got and k in want
			pii_kind[k][1] += k in got and k not in want
			pii_kind[k][2] += k in want and k not in got
		for k in INTENTS:
			intent[k][0] += a.intent == k and row["intent"] == k
			intent[k][1] += a.intent == k and row["intent"] != k
			intent[k][2] += a.intent != k and row["intent"] == k
		c["urg_tp"] += a.urgent and row["urgent"]
		c["urg_fp"] += a.urgent and not row["urgent"]
		c["urg_fn"] += (not a.urgent) and row["urgent"]
		if (
			a.language != want_lang
			or a.intent != row["intent"]
			or got != want
			or a.urgent != row["urgent"]
			or a.sentiment != row["sentiment"]
		):
			misses.append(
				{
					"text": row["text"],
					"want": {k: row[k] for k in ("language", "sentiment", "intent", "urgent", "pii")},
					"got": {
						"language": a.language,
						"sentiment": a.sentiment,
						"intent": a.intent,
						"urgent": a.urgent,
						"pii": sorted(got),
					},
				}
			)
	tp = sum(v[0] for v in pii_kind.values())
	fp = sum(v[1] for v in pii_kind.values())
	fn = sum(v[2] for v in pii_kind.values())
	f1s = []
	for t, f, n in intent.values():
		if t + f + n == 0:
			continue
		p, r = _ratio(t, t + f), _ratio(t, t + n)
		f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
	return {
		"n": c["n"],
		"language_accuracy": _ratio(c["lang_ok"], c["n"]),
		"sentiment_accuracy": _ratio(c["sent_ok"], c["n"]),
		"pii_precision": _ratio(tp, tp + fp),
		"pii_recall": _ratio(tp, tp + fn),
		"pii_by_kind": {
			k: {
				"precision": _ratio(v[0], v[0] + v[1]),
				"recall": _ratio(v[0], v[0] + v[2]),
				"support": v[0] + v[2],
			}
			for k, v in sorted(pii_kind.items())
		},
		"intent_macro_f1": sum(f1s) / len(f1s) if f1s else 1.0,
		"intent_by_class": {
			k: {
				"precision": _ratio(v[0], v[0] + v[1]),
				"recall": _ratio(v[0], v[0] + v[2]),
				"support": v[0] + v[2],
			}
			for k, v in intent.items()
		},
		"urgent_precision": _ratio(c["urg_tp"], c["urg_tp"] + c["urg_fp"]),
		"urgent_recall": _ratio(c["urg_tp"], c["urg_tp"] + c["urg_fn"]),
		"misses": misses,
	}


def evaluate(folder: Path, names: list[str] | None = None) -> dict:
	files = sorted(
		p
		for p in folder.glob("*.jsonl")
		if (names is None and p.stem != "holdout") or (names and p.stem in names)
	)
	per = {p.stem: score(load(p)) for p in files}
	every = [row for p in files for row in load(p)]
	per["overall"] = score(every)
	return per


def failures(results: dict) -> list[str]:
	out = []
	for lang, r in results.items():
		for key, goal in GOALS.items():
			if r[key] < goal:
				out.append(f"{lang}: {key} {r[key]:.3f} < {goal}")
	return out


def report(results: dict) -> str:
	head = f"{'set':8} {'n':>4} {'lang':>6} {'sent':>6} {'piiP':>6} {'piiR':>6} {'intF1':>6} {'urgP':>6} {'urgR':>6}"
	lines = [head, "-" * len(head)]
	for lang, r in results.items():
		lines.append(
			f"{lang:8} {r['n']:>4} {r['language_accuracy']:>6.2f} {r['sentiment_accuracy']:>6.2f} {r['pii_precision']:>6.2f} "
			f"{r['pii_recall']:>6.2f} {r['intent_macro_f1']:>6.2f} {r['urgent_precision']:>6.2f} {r['urgent_recall']:>6.2f}"
		)
	overall = results.get("overall")
	if overall:
		lines.append("")
		lines.append(
			"PII by kind (overall): "
			+ ", ".join(
				f"{k} P{v['precision']:.2f}/R{v['recall']:.2f} (n={v['support']})"
				for k, v in overall["pii_by_kind"].items()
			)
		)
		lines.append(
			"Intent by class (overall): "
			+ ", ".join(
				f"{k} P{v['precision']:.2f}/R{v['recall']:.2f} (n={v['support']})"
				for k, v in overall["intent_by_class"].items()
			)
		)
	return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
	p = argparse.ArgumentParser(description="Score the analysis on the labelled set, per language.")
	p.add_argument(
		"--misses", action="store_true", help="list the messages that were not labelled as expected"
	)
	p.add_argument("--holdout", action="store_true", help="also report the held-out set (not gated)")
	p.add_argument("--data", type=Path, default=DATA, help="folder of <lang>.jsonl files")
	args = p.parse_args(argv)
	results = evaluate(args.data)
	print(report(results))
	if args.misses:
		for lang, r in results.items():
			if lang != "overall":
				for m in r["misses"]:
					print(f"[{lang}] {m['text']}\n    want {m['want']}\n    got  {m['got']}")
	if args.holdout and (args.data / "holdout.jsonl").exists():
		print("\nheld-out set (written after tuning, not gated):")
		print(report(evaluate(args.data, ["holdout"])))
	failed = failures(results)
	if failed:
		print("\nGOALS MISSED:\n  " + "\n  ".join(failed))
		return 1
	print("\nall goals met")
	return 0


if __name__ == "__main__":
	sys.exit(main())
