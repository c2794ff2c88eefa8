"""Speed of analyze() on one core, next to a trivial baseline on the same texts in the same run.

python scripts/bench_analysis.py [--seconds 3]
"""

import argparse
import json
import re
import time
from pathlib import Path

from social_support.analysis import analyze

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "analysis"
WORD = re.compile(r"\w+")


def texts() -> list[str]:
	return [
		json.loads(line)["text"]
		for p in sorted(DATA.glob("*.jsonl"))
		for line in p.read_text(encoding="utf-8").splitlines()
		if line.strip()
	]


def rate(fn, items, seconds):
	n, start = 0, time.perf_counter()
	while time.perf_counter() - start < seconds:
		for t in items:
			fn(t)
		n += len(items)
	return n / (time.perf_counter() - start)


if __name__ == "__main__":
	p = argparse.ArgumentParser()
	p.add_argument("--seconds", type=float, default=3.0)
	args = p.parse_args()
	items = texts()
	t0 = time.perf_counter()
	analyze(items[0])  # loads the language model and the lexicons once
	warmup = time.perf_counter() - t0
	baseline = rate(lambda t: WORD.findall(t.lower()), items, args.seconds)
	speed = rate(analyze, items, args.seconds)
	print(f"texts: {len(items)} | warm-up (model + lexicons): {warmup * 1000:.0f} ms")
	print(f"baseline (lower + regex tokens): {baseline:,.0f} msg/s")
	print(
		f"analyze: {speed:,.0f} msg/s ({baseline / speed:.0f}x the baseline's cost per message) | goal >= 1,000 msg/s: {'met' if speed >= 1000 else 'MISSED'}"
	)
