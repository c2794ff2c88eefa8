"""Print per-language quality of the analysis on the labelled set; exit 1 when a goal is missed.

python scripts/eval_analysis.py [--misses] [--holdout]
"""

import argparse
import sys
from pathlib import Path

from social_support.analysis.evaluate import evaluate, failures, report

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "analysis"

if __name__ == "__main__":
	p = argparse.ArgumentParser()
	p.add_argument(
		"--misses", action="store_true", help="list the messages that were not labelled as expected"
	)
	p.add_argument("--holdout", action="store_true", help="also report the held-out set (not gated)")
	args = p.parse_args()
	results = evaluate(DATA)
	print(report(results))
	if args.misses:
		for lang, r in results.items():
			if lang != "overall":
				for m in r["misses"]:
					print(f"[{lang}] {m['text']}\n    want {m['want']}\n    got  {m['got']}")
	if args.holdout and (DATA / "holdout.jsonl").exists():
		print("\nheld-out set (written after tuning, not gated):")
		print(report(evaluate(DATA, ["holdout"])))
	failed = failures(results)
	if failed:
		print("\nGOALS MISSED:\n  " + "\n  ".join(failed))
		sys.exit(1)
	print("\nall goals met")
