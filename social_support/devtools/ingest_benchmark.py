"""Ingest benchmarks, run inside a bench against a running web server and workers:

    bench --site SITE execute social_support.devtools.ingest_benchmark.run --kwargs "{'site_url': 'http://127.0.0.1:8000'}"

Prints (a) webhook acknowledgement latency next to /api/method/ping in the same run, (b)
processing cost per message next to the floor of a bare Issue + Communication insert in the
same process, (c) a burst of messages across channels through the webhook endpoint, drained
by the running workers: time, lost and duplicated counts. Every figure is measured; the
targets are ratios against the baselines of the same run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import statistics
import threading
import time
import uuid

import frappe
import requests

from social_support.ingest.events import drain, store_event

SECRET = "bench-meta-secret"


def _pct(values, p):
	values = sorted(values)
	if not values:
		return float("nan")
	k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
	return values[k]


def _channel(name: str, account: str) -> str:
	if not frappe.db.exists("Social Channel", name):
		frappe.get_doc(
			{
				"doctype": "Social Channel",
				"channel_name": name,
				"platform": "Facebook",
				"account_id": account,
				"app_secret": SECRET,
				"verify_token": "bench",
				"access_token": "bench",
				"use_webhooks": 1,
				"poll_interval_minutes": 0,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	return name


def _comment_payload(page: str, author: str, text: str) -> bytes:
	now = int(time.time())
	post = f"{page}_{uuid.uuid4().int % 10**12}"
	value = {
		"item": "comment",
		"verb": "add",
		"comment_id": f"{post}_{uuid.uuid4().int % 10**12}",
		"post_id": post,
		"parent_id": post,
		"from": {"id": author, "name": f"Bench User {author[-4:]}"},
		"message": text,
		"created_time": now,
	}
	return json.dumps(
		{
			"object": "page",
			"entry": [{"id": page, "time": now, "changes": [{"field": "feed", "value": value}]}],
		}
	).encode()


def _sign(body: bytes) -> str:
	return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def _load(url: str, make_request, total: int, concurrency: int) -> dict:
	"""Fire ``total`` requests from ``concurrency`` threads (keep-alive sessions); latency in ms."""
	latencies: list[float] = []
	statuses: dict[int, int] = {}
	lock = threading.Lock()
	per_thread = total // concurrency

	def worker():
		s = requests.Session()
		local, codes = [], {}
		for _ in range(per_thread):
			method, kwargs = make_request()
			t0 = time.perf_counter()
			r = s.request(method, url, timeout=30, **kwargs)
			local.append((time.perf_counter() - t0) * 1000)
			codes[r.status_code] = codes.get(r.status_code, 0) + 1
		with lock:
			latencies.extend(local)
			for k, v in codes.items():
				statuses[k] = statuses.get(k, 0) + v

	threads = [threading.Thread(target=worker) for _ in range(concurrency)]
	t0 = time.perf_counter()
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	wall = time.perf_counter() - t0
	return {
		"n": len(latencies),
		"p50": _pct(latencies, 50),
		"p99": _pct(latencies, 99),
		"rps": len(latencies) / wall,
		"statuses": statuses,
	}


def latency(site_url: str, total: int = 2000, concurrency: int = 8) -> dict:
	page = "9" + str(uuid.uuid4().int % 10**10)
	_channel("Bench Latency", page)
	ping = _load(f"{site_url}/api/method/ping", lambda: ("GET", {}), total, concurrency)

	def webhook():
		body = _comment_payload(page, "7" + str(uuid.uuid4().int % 10**9), "latency probe")
		return "POST", {
			"data": body,
			"headers": {"Content-Type": "application/json", "X-Hub-Signature-256": _sign(body)},
		}

	hook = _load(f"{site_url}/api/method/social_support.api.webhooks.meta", webhook, total, concurrency)
	# the latency probes are real messages: leave them for the workers, counted in the burst check
	return {"ping": ping, "webhook": hook, "p99_ratio": hook["p99"] / ping["p99"]}


def processing(n: int = 300) -> dict:
	"""Per-message cost of the whole pipeline vs. a bare Issue + Communication insert (same process)."""
	t0 = time.perf_counter()
	for i in range(n):
		issue = frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": f"floor {i}",
				"raised_by": f"floor{i}@example.invalid",
				"description": "x",
			}
		)
		issue.flags.ignore_permissions = True
		issue.insert()
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Chat",
				"sent_or_received": "Received",
				"content": "x",
				"sender": f"floor{i}@example.invalid",
				"reference_doctype": "Issue",
				"reference_name": issue.name,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	floor_ms = (time.perf_counter() - t0) * 1000 / n

	page = "8" + str(uuid.uuid4().int % 10**10)
	channel = _channel(f"Bench Processing {page}", page)
	for i in range(n):
		# a new customer on a new post each time: the most expensive path (profile + contact + issue)
		store_event(
			source="Webhook",
			platform="Facebook",
			channel=channel,
			payload=_comment_payload(page, f"6{page}{i}", f"msg {i}").decode(),
		)
	frappe.db.commit()
	t0 = time.perf_counter()
	done = drain(channel)
	pipeline_ms = (time.perf_counter() - t0) * 1000 / n
	return {
		"n": n,
		"floor_ms": floor_ms,
		"pipeline_ms": pipeline_ms,
		"ratio": pipeline_ms / floor_ms,
		"drain": done,
	}


def burst(
	site_url: str,
	total: int = 10000,
	channels: int = 4,
	concurrency: int = 8,
	duplicates: int = 500,
	timeout: float = 1800,
) -> dict:
	"""``total`` distinct messages (+ ``duplicates`` redeliveries) over HTTP across channels, drained by the workers."""
	pages = ["7" + str(uuid.uuid4().int % 10**10) for _ in range(channels)]
	names = [_channel(f"Bench Burst {p}", p) for p in pages]
	bodies = []
	for i in range(total):
		page = pages[i % channels]
		bodies.append(_comment_payload(page, f"5{i % 2500}", f"burst message {i}"))
	redeliver = bodies[:duplicates]
	queue = list(reversed(bodies + redeliver))
	lock = threading.Lock()

	def next_body():
		with lock:
			body = queue.pop()
		return "POST", {
			"data": body,
			"headers": {"Content-Type": "application/json", "X-Hub-Signature-256": _sign(body)},
		}

	t0 = time.perf_counter()
	sent = _load(
		f"{site_url}/api/method/social_support.api.webhooks.meta",
		next_body,
		len(queue) - len(queue) % concurrency,
		concurrency,
	)
	ack_s = time.perf_counter() - t0
	while True:
		frappe.db.commit()  # fresh snapshot
		pending = frappe.db.count(
			"Social Inbound Event", {"channel": ("in", names), "status": ("in", ("Queued", "Processing"))}
		)
		if not pending or time.perf_counter() - t0 > timeout:
			break
		time.sleep(1)
	drained_s = time.perf_counter() - t0
	messages = frappe.db.count("Social Message", {"channel": ("in", names)})
	distinct = frappe.db.sql(
		"select count(distinct message_key) from `tabSocial Message` where channel in %s", (tuple(names),)
	)[0][0]
	failed = frappe.db.count("Social Inbound Event", {"channel": ("in", names), "status": "Failed"})
	issues = frappe.db.count("Issue", {"social_channel": ("in", names)})
	accepted = sent["statuses"].get(200, 0)
	# the distinct bodies go first, redeliveries after: the first min(total, accepted) are distinct
	expected = min(total, accepted)
	return {
		"sent": sent["n"],
		"accepted": accepted,
		"ack_seconds": ack_s,
		"drained_seconds": drained_s,
		"messages_per_second": messages / drained_s if drained_s else 0,
		"messages": messages,
		"issues": issues,
		"lost": max(expected - messages, 0),
		"duplicates": messages - distinct,
		"failed_events": failed,
		"pending_events": pending,
	}


def run(
	site_url: str = "http://127.0.0.1:8000",
	latency_requests: int = 2000,
	processing_messages: int = 300,
	burst_messages: int = 10000,
) -> dict:
	out = {}
	if latency_requests:
		lat = latency(site_url, latency_requests)
		out["latency"] = lat
		print(
			"(a) ack latency at 8 connections: ping p50 {:.1f} ms p99 {:.1f} ms ({:.0f} req/s) | webhook p50 {:.1f} ms p99 {:.1f} ms ({:.0f} req/s) | p99 ratio {:.2f} (goal <= 3)".format(
				lat["ping"]["p50"],
				lat["ping"]["p99"],
				lat["ping"]["rps"],
				lat["webhook"]["p50"],
				lat["webhook"]["p99"],
				lat["webhook"]["rps"],
				lat["p99_ratio"],
			)
		)
	if processing_messages:
		proc = processing(processing_messages)
		out["processing"] = proc
		print(
			"(b) per message: bare Issue+Communication {:.1f} ms | full pipeline {:.1f} ms | ratio {:.2f} (goal <= 2)".format(
				proc["floor_ms"], proc["pipeline_ms"], proc["ratio"]
			)
		)
	if burst_messages:
		b = burst(site_url, burst_messages)
		out["burst"] = b
		print(
			"(c) burst: {sent} requests ({accepted} accepted) acknowledged in {ack_seconds:.1f} s, drained in {drained_seconds:.1f} s "
			"({messages_per_second:.0f} msg/s); messages {messages}, issues {issues}, lost {lost}, duplicates {duplicates}, "
			"failed events {failed_events}, still pending {pending_events}".format(**b)
		)
	return out
