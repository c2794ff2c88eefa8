"""Speed of analyze() on one core, next to a trivial baseline on the same texts in the same run.

python -m social_support.devtools.analysis_speed [--seconds 3] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from social_support.analysis import analyze

from .analysis_eval import DATA

WORD = re.compile(r"\w+")


def texts(folder: Path = DATA) -> list[str]:
	return [
		json.loads(line)["text"]
		for p in sorted(folder.glob("*.jsonl"))
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


def main(argv: list[str] | None = None) -> None:
	p = argparse.ArgumentParser(description="Messages per second through analyze(), next to a baseline.")
	p.add_argument("--seconds", type=float, default=3.0)
	p.add_argument("--data", type=Path, default=DATA, help="folder of <lang>.jsonl files")
	args = p.parse_args(argv)
	items = texts(args.data)
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


if __name__ == "__main__":
	main()
