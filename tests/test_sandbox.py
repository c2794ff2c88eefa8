"""The sandbox server itself: routing, control API (used by the demo command), fault injection."""

import pytest
import requests

from social_support.sandbox.server import Sandbox


def test_control_api_drives_state_from_another_process(sandbox):
	assert requests.get(f"{sandbox.url}/_sandbox/health", timeout=5).json() == {"ok": True}
	r = requests.post(f"{sandbox.url}/_sandbox/x/user", json={"user_id": "7", "username": "cust"}, timeout=5)
	assert r.json()["username"] == "cust"
	t = requests.post(
		f"{sandbox.url}/_sandbox/x/tweet", json={"author_id": "7", "text": "@brand hi"}, timeout=5
	).json()
	assert sandbox.x.tweet(t["id"])["text"] == "@brand hi"
	c = requests.post(f"{sandbox.url}/_sandbox/graph/page_post", json={"text": "hello"}, timeout=5).json()
	assert c["id"].startswith("1001_")
	requests.post(
		f"{sandbox.url}/_sandbox/fault", json={"kind": "server_error", "path": "/mentions"}, timeout=5
	)
	assert sandbox.faults[0].kind == "server_error"
	requests.post(f"{sandbox.url}/_sandbox/clear_faults", timeout=5)
	assert sandbox.faults == []
	assert requests.post(f"{sandbox.url}/_sandbox/nope", timeout=5).status_code == 404


def test_unknown_paths_and_fault_kinds(sandbox):
	assert requests.get(f"{sandbox.url}/nothing", timeout=5).status_code == 404
	with pytest.raises(ValueError):
		sandbox.inject("meteor")


def test_drop_after_carries_out_the_request_then_drops_the_answer(sandbox):
	sandbox.x.add_user("7", "cust")
	sandbox.inject("drop_after", path=r"^/2/tweets$", method="POST")
	with pytest.raises(requests.ConnectionError):
		requests.post(
			f"{sandbox.url}/2/tweets",
			json={"text": "sent but unanswered"},
			headers={"Authorization": "Bearer 99-x"},
			timeout=5,
		)
	assert [t["text"] for t in sandbox.x.tweets] == ["sent but unanswered"]  # the platform did accept it


def test_faults_are_counted_and_matched_by_method():
	with Sandbox() as sb:
		sb.inject("server_error", path="/mentions", method="GET", count=2)
		url = f"{sb.url}/2/users/99/mentions"
		codes = [
			requests.get(url, headers={"Authorization": "Bearer b"}, timeout=5).status_code for _ in range(3)
		]
		assert codes == [503, 503, 200]


def test_slow_carries_the_request_out_late(sandbox):
	import time as _time

	sandbox.inject("slow", path=r"^/2/tweets$", method="POST", delay=0.5)
	started = _time.time()
	r = requests.post(
		f"{sandbox.url}/2/tweets", json={"text": "late"}, headers={"Authorization": "Bearer t"}, timeout=5
	)
	assert r.status_code == 201 and _time.time() - started >= 0.5
	assert [t["text"] for t in sandbox.x.tweets] == ["late"]
