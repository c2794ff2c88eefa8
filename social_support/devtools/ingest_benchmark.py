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


def _comment_payload(page: str, author: str, text: str, post: str | None = None) -> bytes:
	now = int(time.time())
	post = post or f"{page}_{uuid.uuid4().int % 10**12}"
	value = {
		"item": "comment",
		"verb": "add",
		"comment_id": f"{post}_{uuid.uuid4().int % 10**12}",
		"post_id": post,
		"parent_id": post,
		"from": {"id": author, "name": f"Bench User {author}"},
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
	site = frappe.local.site
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
			kwargs.setdefault("headers", {})["Host"] = site
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
	_channel(f"Bench Latency {page}", page)
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


def processing(n: int = 300, floor: float | None = None) -> dict:
	"""Per-message cost of the whole pipeline vs. a bare Issue + Communication insert (same process)."""
	floor = floor if floor is not None else floor_ms(n)

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
		"floor_ms": floor,
		"pipeline_ms": pipeline_ms,
		"ratio": pipeline_ms / floor,
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


# --- one busy account: drains in parallel on one channel ---------------------------------------
def floor_ms(n: int = 300) -> float:
	"""The bare floor: an ERPNext Issue plus its received Communication, inserted in this process."""
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
	return (time.perf_counter() - t0) * 1000 / n


def floor_and_pipeline(n: int = 300, rounds: int = 5) -> dict:
	"""The floor and the whole pipeline (a new customer each time) in the same process, interleaved in
	``rounds`` so that the machine's drift during the run falls on both alike; ms per message."""
	from social_support.ingest.events import drain

	page = "8" + str(uuid.uuid4().int % 10**10)
	channel = _channel(f"Bench Processing {page}", page)
	_queue_events(channel, page, n)
	drain(channel, limit=5)  # imports and caches warm, as in a worker that has been running
	per_round = max((n - 5) // rounds, 1)
	floor_s = pipeline_s = 0.0
	done = 0
	for _ in range(rounds):
		floor_s += floor_ms(per_round) * per_round / 1000
		t0 = time.perf_counter()
		result = drain(channel, limit=per_round)
		pipeline_s += time.perf_counter() - t0
		done += result["processed"]
	floor = floor_s * 1000 / (per_round * rounds)
	pipeline = pipeline_s * 1000 / done
	return {"n": done, "floor_ms": floor, "pipeline_ms": pipeline, "ratio": pipeline / floor}


def _queue_events(channel: str, page: str, n: int, redeliveries: int = 0, per_customer: int = 1) -> int:
	"""``n`` comments of new customers on new posts (``per_customer`` of them on one post by one
	customer: a conversation), plus the first ``redeliveries`` stored a second time."""
	bodies = []
	for i in range(n):
		customer = f"6{page}{i // per_customer}"
		bodies.append(_comment_payload(page, customer, f"msg {i}", post=f"{page}_{i // per_customer}"))
	for body in bodies + bodies[:redeliveries]:
		store_event(source="Webhook", platform="Facebook", channel=channel, payload=body.decode())
	frappe.db.commit()
	return len(bodies) + redeliveries


def _rss_kb(pid: int) -> int:
	try:
		with open(f"/proc/{pid}/status") as f:
			for line in f:
				if line.startswith("VmRSS:"):
					return int(line.split()[1])
	except OSError:
		pass
	return 0


def _children(pid: int) -> list[int]:
	try:
		with open(f"/proc/{pid}/task/{pid}/children") as f:
			return [int(p) for p in f.read().split()]
	except OSError:
		return []


class Workers:
	"""``k`` real RQ workers on the drains' queue (``bench worker``), started and stopped by the benchmark.
	They take any job on that queue, for any site of the bench: give the benchmark site a queue of its
	own (site config ``social_support_drain_queue``) on a bench that other sites share."""

	def __init__(self, k: int):
		import os
		import subprocess
		import sys

		from frappe.utils.background_jobs import generate_qname, get_workers

		from social_support.ingest.events import drain_queue

		queue = drain_queue()
		self.queue = generate_qname(queue)
		before = sum(1 for w in get_workers() if self.queue in w.queue_names())
		self.procs = [
			subprocess.Popen(
				[
					sys.executable,
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"worker",
					"--queue",
					queue,
				],
				cwd=frappe.utils.get_bench_path() + "/sites",
				env=os.environ.copy(),
				stdout=subprocess.DEVNULL,
				stderr=subprocess.DEVNULL,
			)
			for _ in range(k)
		]
		deadline = time.monotonic() + 90
		while sum(1 for w in get_workers() if self.queue in w.queue_names()) < before + k:
			if time.monotonic() > deadline:
				self.stop()
				raise RuntimeError("workers did not start")
			time.sleep(0.2)

	def horse_rss_kb(self) -> int:
		"""Resident memory of the job processes (RQ forks one per job) right now, the largest."""
		return max([_rss_kb(c) for p in self.procs for c in _children(p.pid)] or [0])

	def stop(self):
		import signal

		for p in self.procs:
			p.send_signal(signal.SIGINT)
		for p in self.procs:
			try:
				p.wait(timeout=30)
			except Exception:
				p.kill()


class Server:
	"""Frappe's web application under gunicorn with ``k`` workers on a free loopback port."""

	def __init__(self, k: int = 2):
		import os
		import socket
		import subprocess
		import sys

		with socket.socket() as sock:
			sock.bind(("127.0.0.1", 0))
			port = sock.getsockname()[1]
		self.url = f"http://127.0.0.1:{port}"
		self.proc = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"gunicorn",
				"-b",
				f"127.0.0.1:{port}",
				"-w",
				str(k),
				"-t",
				"120",
				"--preload",
				"frappe.app:application",
			],
			cwd=frappe.utils.get_bench_path() + "/sites",
			env=os.environ.copy(),
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		deadline = time.monotonic() + 90
		while True:
			try:
				if requests.get(
					f"{self.url}/api/method/ping", headers={"Host": frappe.local.site}, timeout=5
				).ok:
					break
			except requests.RequestException:
				pass
			if time.monotonic() > deadline:
				self.stop()
				raise RuntimeError("web server did not start")
			time.sleep(0.3)

	def stop(self):
		self.proc.terminate()
		try:
			self.proc.wait(timeout=30)
		except Exception:
			self.proc.kill()


def latency_while_busy(
	total: int = 1000, backlog: int = 1500, web_workers: int = 2, workers: int = 2
) -> dict:
	"""Webhook acknowledgement next to ``/api/method/ping`` at 8 connections, both measured while
	``workers`` real workers drain a backlog of ``backlog`` messages on one channel."""
	from social_support.ingest.events import enqueue_drain

	page = "5" + str(uuid.uuid4().int % 10**10)
	channel = _channel(f"Bench Busy {page}", page)
	_queue_events(channel, page, backlog)
	server = Server(web_workers)
	pool = Workers(workers)
	try:
		enqueue_drain(channel)
		frappe.db.commit()
		while _pending(channel) >= backlog:
			time.sleep(0.1)
		lat = latency(server.url, total)
		still_busy = _pending(channel)
	finally:
		pool.stop()
		server.stop()
	lat["backlog_left"] = still_busy
	return lat


def _pending(channel: str) -> int:
	frappe.db.commit()  # a fresh snapshot
	return frappe.db.count(
		"Social Inbound Event", {"channel": channel, "status": ("in", ("Queued", "Processing"))}
	)


def _outcome(channel: str, expected: int) -> dict:
	messages = frappe.db.count("Social Message", {"channel": channel})
	distinct = frappe.db.sql(
		"select count(distinct message_key) from `tabSocial Message` where channel=%s", channel
	)[0][0]
	split = frappe.db.sql(
		"""select count(*) from (select thread_key from `tabSocial Message`
		where channel=%s and reference_name is not null group by thread_key
		having count(distinct reference_name) > 1) t""",
		channel,
	)[0][0]
	return {
		"messages": messages,
		"lost": max(expected - distinct, 0),
		"duplicates": messages - distinct,
		"split_conversations": split,
		"tickets": frappe.db.count("Issue", {"social_channel": channel}),
		"failed_events": frappe.db.count("Social Inbound Event", {"channel": channel, "status": "Failed"}),
	}


def drain_with_workers(k: int, n: int, redeliveries: int = 0, per_customer: int = 1, timeout=3600) -> dict:
	"""``n`` messages queued on one new channel, then drained by ``k`` real workers; seconds from the
	drain's enqueue to the last event processed (worker start-up excluded), memory of the job process."""
	from social_support.ingest.events import enqueue_drain

	page = "4" + str(uuid.uuid4().int % 10**10)
	channel = _channel(f"Bench Drain {page}", page)
	_queue_events(channel, page, n, redeliveries, per_customer)
	workers = Workers(k)
	try:
		t0 = time.perf_counter()
		enqueue_drain(channel)
		frappe.db.commit()
		rss_first = rss_last = 0
		while True:
			pending = _pending(channel)
			rss = workers.horse_rss_kb()
			if rss:
				done = n + redeliveries - pending
				if not rss_first and done >= 500:
					rss_first = rss
				rss_last = rss
			if not pending or time.perf_counter() - t0 > timeout:
				break
			time.sleep(0.2)
		seconds = time.perf_counter() - t0
	finally:
		workers.stop()
	return {
		"workers": k,
		"n": n,
		"seconds": seconds,
		"per_second": n / seconds,
		"rss_after_500_kb": rss_first,
		"rss_end_kb": rss_last,
		"pending": pending,
		**_outcome(channel, n),
	}


def memory_in_process(n: int = 10000, first: int = 500) -> dict:
	"""Resident memory of one process draining ``n`` new customers' messages with the real drain:
	after the first ``first`` and at the end."""
	from social_support.ingest.events import drain

	page = "3" + str(uuid.uuid4().int % 10**10)
	channel = _channel(f"Bench Memory {page}", page)
	_queue_events(channel, page, n)
	import os

	drain(channel, limit=first)
	after_first = _rss_kb(os.getpid())
	t0 = time.perf_counter()
	drain(channel)
	seconds = time.perf_counter() - t0
	end = _rss_kb(os.getpid())
	return {
		"n": n,
		"rss_after_first_kb": after_first,
		"rss_end_kb": end,
		"growth": end / after_first - 1 if after_first else float("nan"),
		"ms_per_message": seconds * 1000 / (n - first),
		**_outcome(channel, n),
	}


def one_channel(
	messages: int = 1000,
	workers: str = "1,2",
	pipeline_messages: int = 300,
	burst_messages: int = 0,
	redeliveries: int = 500,
	memory_messages: int = 0,
	latency_requests: int = 1000,
) -> dict:
	"""The busy-account benchmark: everything on one channel, every figure next to the floor of the same run.

	bench --site SITE execute social_support.devtools.ingest_benchmark.one_channel \\
	    --kwargs "{'messages': 1000, 'workers': '1,2', 'burst_messages': 10000, 'memory_messages': 10000}"
	"""
	out: dict = {}
	floor = None
	if pipeline_messages:
		proc = floor_and_pipeline(pipeline_messages)
		out["pipeline"] = proc
		floor = proc["floor_ms"]
		print(
			f"floor (bare Issue + received Communication, one process): {floor:.1f} ms per message | whole pipeline, "
			"a new customer each (message, profile, contact, analysis, triage, ticket, communication): "
			f"{proc['pipeline_ms']:.1f} ms | ratio {proc['ratio']:.2f} (goal <= 1.5; {proc['n']} of each, interleaved)"
		)
	elif str(workers).strip():
		floor = floor_ms(300)
		print(f"floor (bare Issue + received Communication, one process): {floor:.1f} ms per message")
	runs = {}
	for k in [int(w) for w in str(workers).split(",") if w.strip()]:
		r = drain_with_workers(k, messages)
		runs[k] = r
		floor_shared = messages * floor / 1000 / k
		r["floor_shared_seconds"] = floor_shared
		r["ratio_to_floor"] = r["seconds"] / floor_shared
		print(
			f"{k} worker(s), {messages} new customers on one channel: drained in {r['seconds']:.1f} s "
			f"({r['per_second']:.1f} msg/s); floor shared by {k} process(es) {floor_shared:.1f} s, ratio {r['ratio_to_floor']:.2f} (goal <= 1.5); "
			f"lost {r['lost']}, duplicates {r['duplicates']}, conversations on more than one ticket {r['split_conversations']}, "
			f"failed events {r['failed_events']}, tickets {r['tickets']}; job process memory {r['rss_after_500_kb'] / 1024:.0f} MB after 500, "
			f"{r['rss_end_kb'] / 1024:.0f} MB at the end"
		)
	if 1 in runs:
		for k, r in runs.items():
			if k != 1:
				r["speedup"] = r["per_second"] / runs[1]["per_second"]
				print(f"{k} workers vs 1: throughput x{r['speedup']:.2f} (goal >= 1.7 for 2)")
	out["workers"] = runs
	if latency_requests:
		lat = latency_while_busy(latency_requests)
		out["latency"] = lat
		print(
			f"ack latency at 8 connections while 2 workers drain ({lat['backlog_left']} events still queued at the end): "
			f"ping p50 {lat['ping']['p50']:.1f} ms p99 {lat['ping']['p99']:.1f} ms | webhook p50 {lat['webhook']['p50']:.1f} ms "
			f"p99 {lat['webhook']['p99']:.1f} ms ({lat['webhook']['statuses']}) | p99 ratio {lat['p99_ratio']:.2f} (goal <= 2)"
		)
	if burst_messages:
		b = drain_with_workers(2, burst_messages, redeliveries=redeliveries, per_customer=5)
		out["burst"] = b
		print(
			f"burst: {burst_messages} messages in conversations of 5 + {redeliveries} redeliveries on one channel, 2 workers: "
			f"drained in {b['seconds']:.1f} s ({b['per_second']:.1f} msg/s); lost {b['lost']}, duplicates {b['duplicates']}, "
			f"conversations on more than one ticket {b['split_conversations']}, failed events {b['failed_events']}, "
			f"tickets {b['tickets']} (expected {burst_messages // 5})"
		)
	if memory_messages:
		m = memory_in_process(memory_messages)
		out["memory"] = m
		print(
			f"memory: one process draining {memory_messages} messages: {m['rss_after_first_kb'] / 1024:.0f} MB after 500, "
			f"{m['rss_end_kb'] / 1024:.0f} MB at the end ({m['growth'] * 100:+.0f}%, goal within 20%); "
			f"{m['ms_per_message']:.1f} ms per message, lost {m['lost']}, duplicates {m['duplicates']}"
		)
	return out


def clear() -> dict:
	"""Remove what the benchmarks made: the "Bench ..." channels and everything their messages created,
	and the floor's Issues. Run it on the benchmark site between runs so every run starts alike:

	bench --site SITE execute social_support.devtools.ingest_benchmark.clear
	"""
	from social_support.tests.utils import remove_channel_and_everything_it_made

	channels = frappe.get_all("Social Channel", filters={"name": ("like", "Bench %")}, pluck="name")
	for channel in channels:
		remove_channel_and_everything_it_made(channel)
	floor = frappe.get_all("Issue", filters={"raised_by": ("like", "floor%@example.invalid")}, pluck="name")
	for chunk in range(0, len(floor), 1000):
		names = floor[chunk : chunk + 1000]
		comms = frappe.get_all(
			"Communication",
			filters={"reference_doctype": "Issue", "reference_name": ("in", names)},
			pluck="name",
		)
		if comms:
			frappe.db.delete("Communication Link", {"parent": ("in", comms)})
			frappe.db.delete("Communication", {"name": ("in", comms)})
		frappe.db.delete("Comment", {"reference_doctype": "Issue", "reference_name": ("in", names)})
		frappe.db.delete("Issue", {"name": ("in", names)})
		frappe.db.commit()
	print(f"removed {len(channels)} benchmark channels and {len(floor)} floor Issues")
	return {"channels": len(channels), "floor_issues": len(floor)}
