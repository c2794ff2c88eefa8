"""Report timings on a large-data site (see report_data): each report's median wall time.

    bench --site SITE social-report-timings [--repeat 3] [--days 90]

Each figure stands next to a baseline measured in the same run: a plain count of the period's
Social Messages and social Issues (the smallest query any report must do).
"""

from __future__ import annotations

import statistics
import time

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, getdate

from .report_data import AGENTS

REPORTS = (
	"Social Key Figures",
	"Social Volume",
	"Social Response Times",
	"Social Sentiment and Topics",
	"Social Agent Performance",
	"Social Staffing Estimate",
	"Social Survey Results",
)


def _timed(fn, repeat: int) -> float:
	times = []
	for _i in range(repeat):
		frappe.clear_cache()  # settings and metadata come cold each time, like a fresh request
		t = time.perf_counter()
		fn()
		times.append(time.perf_counter() - t)
	return statistics.median(times)


def timings(repeat: int = 3, days: int = 90) -> list[dict]:
	filters = {"from_date": str(add_days(getdate(), -days + 1)), "to_date": str(getdate())}
	start = add_days(getdate(), -days + 1)

	def baseline():
		frappe.db.sql("select count(*) from `tabSocial Message` where posted_on >= %s", start)
		frappe.db.sql(
			"select count(*) from `tabIssue` where social_channel is not null and creation >= %s", start
		)

	base = _timed(baseline, repeat)
	out = [{"report": "(baseline: two period counts)", "seconds": round(base, 3), "ratio": 1.0}]
	for report in REPORTS:
		extra = [{}]
		if report == "Social Volume":
			extra = [{"view": "Per Day"}, {"view": "Heatmap"}, {"view": "Per Day", "agent": AGENTS[0]}]
		for e in extra:
			seconds = _timed(
				lambda e=e, report=report: run(report, filters={**filters, **e}, ignore_prepared_report=True),
				repeat,
			)
			label = report + (f" ({', '.join(e.values())})" if e else "")
			out.append(
				{
					"report": label,
					"seconds": round(seconds, 3),
					"ratio": round(seconds / base, 1) if base else None,
				}
			)
	return out
