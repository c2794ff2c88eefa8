"""Stateful emulator of the Graph API endpoints the app uses (Facebook Pages, Messenger, Instagram).

Defaults: Page ``1001`` ("Brand Page"), Instagram professional account ``2001`` (@brand,
linked to the Page). Any non-empty access token is accepted unless revoked. Errors come in
Meta's shape ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``.

Reads: GET /vN/{page}/feed, /vN/{id}/conversations?platform=messenger|instagram,
/vN/{ig}/media, /vN/{id}. Writes: POST /vN/{comment-or-post}/comments,
/vN/{ig-comment}/replies, /vN/{page-or-ig}/messages (24 h RESPONSE window, 7-day
HUMAN_AGENT tag, one private reply per comment), /vN/{comment} (is_hidden / hide),
/vN/{id}/likes. ``vN`` is judged by Meta's version list (``platforms/meta/versions.py``) on
``today``: a version past its end date answers code 2635, an unknown one 2500. Instagram Login:
``GET /access_token`` and ``GET /refresh_access_token`` exchange and refresh Instagram user tokens
(:meth:`GraphApi.issue_instagram_token` hands them out); an expired one answers 190/463.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import requests

from social_support.platforms.meta.versions import DEFAULT_GRAPH_VERSION, version_status
from social_support.platforms.meta.webhook import signature

from .wire import Request, Response

PAGE_ID = "1001"
PAGE_NAME = "Brand Page"
IG_ID = "2001"
IG_USERNAME = "brand"
DAY = 24 * 3600


def graph_time(ts: float) -> str:
	return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_error(
	message: str, code: int, subcode: int | None = None, status: int = 400, etype: str = "OAuthException"
) -> Response:
	err = {"message": message, "type": etype, "code": code, "fbtrace_id": "SANDBOX"}
	if subcode is not None:
		err["error_subcode"] = subcode
	return Response(status, {"error": err})


class GraphApi:
	def __init__(self, sandbox):
		self.sandbox = sandbox
		self._ids = itertools.count(int(time.time()) * 1000)
		self.users: dict[str, dict] = {
			PAGE_ID: {"id": PAGE_ID, "name": PAGE_NAME},
			IG_ID: {"id": IG_ID, "username": IG_USERNAME},
		}
		self.posts: list[dict] = []  # Facebook posts (page's and visitors')
		self.media: list[dict] = []  # Instagram media
		self.comments: list[dict] = []  # on posts, media, or other comments
		self.messages: list[dict] = []  # Messenger and Instagram DMs, both directions
		self.last_customer_message: dict[tuple[str, str], float] = {}
		self.private_replies: set[str] = set()
		self.hidden: dict[str, bool] = {}
		self.likes: list[str] = []
		self.revoked: set[str] = set()
		self.sent: list[dict] = []  # every write the app made, for assertions
		self.today = None  # the date versions are judged by (None = today, UTC)
		# Instagram Login tokens: token -> (issued at, expires at, long-lived?)
		self.instagram_tokens: dict[str, tuple[float, float, bool]] = {}
		self.instagram_app_secret = "ig-app-secret"
		self.private_profiles: set[str] = set()  # people whose profile the app may not read
		self.stored_attachments: dict[str, dict] = {}  # Attachment Upload API: attachment_id -> asset

	# --- python API ------------------------------------------------------------------------
	def next_id(self) -> str:
		return str(next(self._ids))

	def add_user(self, user_id: str, name: str, username: str | None = None) -> dict:
		with self.sandbox.lock:
			self.users[str(user_id)] = {
				"id": str(user_id),
				"name": name,
				"username": username or name.split()[0].lower(),
			}
			return self.users[str(user_id)]

	def _from(self, user_id: str) -> dict:
		u = self.users.get(str(user_id)) or {"id": str(user_id), "name": f"User {user_id}"}
		return {"id": u["id"], "name": u.get("name") or u.get("username")}

	def attachment(
		self,
		kind: str = "image",
		data: bytes = b"\x89PNG\r\n\x1a\n sandbox image",
		content_type: str = "image/png",
		name: str | None = None,
	) -> dict:
		"""A file the way Meta serves a message's or comment's attachment (bytes on the media host,
		``*.fbcdn.net`` / ``lookaside.fbsbx.com`` on the real one). ``kind``: image, video, audio,
		file or sticker."""
		aid = self.next_id()
		url = self.sandbox.host_media(data, content_type, f"graph/{aid}")
		return {
			"id": aid,
			"kind": kind,
			"url": url,
			"mime_type": content_type,
			"name": name,
			"size": len(data),
		}

	def page_post(self, page_id: str = PAGE_ID, text: str = "", at: float | None = None) -> dict:
		return self._post(page_id, page_id, text, at)

	def visitor_post(
		self, page_id: str, user_id: str, text: str, at: float | None = None, attachment: dict | None = None
	) -> dict:
		post = self._post(page_id, user_id, text, at)
		if attachment:
			post["_attachment"] = attachment
		return post

	def _post(self, page_id: str, author: str, text: str, at: float | None) -> dict:
		with self.sandbox.lock:
			ts = at or time.time()
			post = {
				"id": f"{page_id}_{self.next_id()}",
				"_page": page_id,
				"_author": str(author),
				"message": text,
				"_ts": ts,
				"_updated": ts,
			}
			self.posts.append(post)
			return post

	def ig_media(self, ig_id: str = IG_ID, caption: str = "", at: float | None = None) -> dict:
		with self.sandbox.lock:
			media = {"id": self.next_id(), "_account": ig_id, "caption": caption, "_ts": at or time.time()}
			self.media.append(media)
			return media

	def comment(
		self,
		object_id: str,
		user_id: str,
		text: str,
		parent_id: str | None = None,
		at: float | None = None,
		attachment: dict | None = None,
	) -> dict:
		"""A comment on a Facebook post or Instagram media (``parent_id``: the comment it answers)."""
		with self.sandbox.lock:
			ts = at or time.time()
			cm = {
				"id": self.next_id(),
				"_object": str(object_id),
				"_parent": parent_id,
				"_author": str(user_id),
				"text": text,
				"_ts": ts,
			}
			if attachment:
				cm["_attachment"] = attachment
			self.comments.append(cm)
			for post in self.posts:
				if post["id"] == str(object_id):
					post["_updated"] = max(post["_updated"], ts)
			return cm

	def message(
		self,
		account_id: str,
		sender_id: str,
		text: str,
		platform: str = "messenger",
		at: float | None = None,
		attachments: list[dict] | None = None,
	) -> dict:
		"""A customer's DM to the Page (messenger) or the Instagram account (instagram); opens the 24 h window."""
		with self.sandbox.lock:
			ts = at or time.time()
			msg = {
				"id": f"m_{self.next_id()}",
				"_account": str(account_id),
				"_platform": platform,
				"_from": str(sender_id),
				"_to": str(account_id),
				"message": text,
				"_ts": ts,
			}
			if attachments:
				msg["_attachments"] = list(attachments)
			self.messages.append(msg)
			self.last_customer_message[(str(account_id), str(sender_id))] = ts
			return msg

	def set_last_message_at(self, account_id: str, user_id: str, when: float) -> None:
		with self.sandbox.lock:
			self.last_customer_message[(str(account_id), str(user_id))] = when

	def revoke_token(self, token: str) -> None:
		with self.sandbox.lock:
			self.revoked.add(token)

	def _find_comment(self, cid: str) -> dict | None:
		return next((c for c in self.comments if c["id"] == str(cid)), None)

	def _find_post(self, pid: str) -> dict | None:
		return next((p for p in self.posts if p["id"] == str(pid)), None)

	def _find_media(self, mid: str) -> dict | None:
		return next((m for m in self.media if m["id"] == str(mid)), None)

	# --- webhook payloads ------------------------------------------------------------------
	def webhook_payload(
		self,
		kind: str,
		*,
		comment_id: str | None = None,
		post_id: str | None = None,
		message_id: str | None = None,
		verb: str = "add",
	) -> dict:
		"""kind: feed_comment, feed_post, message (Messenger or Instagram DM, echo when sent by the account), ig_comment."""
		now = int(time.time())
		if kind == "feed_comment":
			cm = self._find_comment(comment_id)
			post = self._find_post(cm["_object"])
			value = {
				"item": "comment",
				"verb": verb,
				"comment_id": cm["id"],
				"post_id": post["id"],
				"parent_id": cm["_parent"] or post["id"],
				"from": self._from(cm["_author"]),
				"message": cm["text"],
				"created_time": int(cm["_ts"]),
			}
			if cm.get("_attachment"):
				value["photo"] = cm["_attachment"]["url"]
			return {
				"object": "page",
				"entry": [{"id": post["_page"], "time": now, "changes": [{"field": "feed", "value": value}]}],
			}
		if kind == "feed_post":
			post = self._find_post(post_id)
			value = {
				"item": "status",
				"verb": verb,
				"post_id": post["id"],
				"from": self._from(post["_author"]),
				"message": post["message"],
				"created_time": int(post["_ts"]),
			}
			a = post.get("_attachment")
			if a:
				value["item"] = "video" if a["kind"] == "video" else "photo"
				value["video" if a["kind"] == "video" else "photo"] = a["url"]
			return {
				"object": "page",
				"entry": [{"id": post["_page"], "time": now, "changes": [{"field": "feed", "value": value}]}],
			}
		if kind == "ig_comment":
			cm = self._find_comment(comment_id)
			media = self._find_media(cm["_object"])
			value = {
				"id": cm["id"],
				"text": cm["text"],
				"from": {
					"id": cm["_author"],
					"username": (self.users.get(cm["_author"]) or {}).get("username"),
				},
				"media": {"id": media["id"], "media_product_type": "FEED"},
			}
			if cm["_parent"]:
				value["parent_id"] = cm["_parent"]
			return {
				"object": "instagram",
				"entry": [
					{"id": media["_account"], "time": now, "changes": [{"field": "comments", "value": value}]}
				],
			}
		if kind == "message":
			m = next(x for x in self.messages if x["id"] == message_id)
			echo = m["_from"] == m["_account"]
			event = {
				"sender": {"id": m["_from"]},
				"recipient": {"id": m["_to"]},
				"timestamp": int(m["_ts"] * 1000),
				"message": {"mid": m["id"], "text": m["message"]},
			}
			if m.get("_attachments"):
				event["message"]["attachments"] = [self._webhook_attachment(a) for a in m["_attachments"]]
			if echo:
				event["message"]["is_echo"] = True
			obj = "page" if m["_platform"] == "messenger" else "instagram"
			return {
				"object": obj,
				"entry": [{"id": m["_account"], "time": int(m["_ts"] * 1000), "messaging": [event]}],
			}
		raise ValueError(f"unknown webhook kind {kind!r}")

	@staticmethod
	def _webhook_attachment(a: dict) -> dict:
		"""An attachment as Messenger / Instagram webhooks carry it: ``type`` and ``payload.url``."""
		if a["kind"] == "sticker":
			return {"type": "image", "payload": {"url": a["url"], "sticker_id": 369239263222822}}
		if a["kind"] in ("share", "story_mention", "ig_reel"):
			return {"type": a["kind"], "payload": {"url": a["url"]}}
		return {"type": a["kind"], "payload": {"url": a["url"]}}

	@staticmethod
	def _graph_attachment(a: dict) -> dict:
		"""An attachment as ``messages{attachments}`` reads it."""
		out = {"id": a["id"], "mime_type": a["mime_type"], "size": a["size"]}
		if a.get("name"):
			out["name"] = a["name"]
		if a["kind"] in ("image", "sticker"):
			out["image_data"] = {
				"url": a["url"],
				"preview_url": a["url"],
				"render_as_sticker": a["kind"] == "sticker",
			}
		elif a["kind"] == "video":
			out["video_data"] = {"url": a["url"], "preview_url": a["url"]}
		else:
			out["file_url"] = a["url"]
		return out

	@staticmethod
	def _feed_attachment(a: dict) -> dict:
		"""A post's or comment's attachment as the feed reads it (the image's ``src``, a video's ``source``)."""
		media = {"image": {"src": a["url"], "width": 720, "height": 720}}
		if a["kind"] == "video":
			media["source"] = a["url"]
		return {
			"media_type": "video" if a["kind"] == "video" else "photo",
			"media": media,
			"target": {"id": a["id"]},
		}

	@staticmethod
	def deliver_webhook(url: str, app_secret: str, payload: dict, timeout: float = 10) -> tuple[int, str]:
		body = json.dumps(payload, ensure_ascii=True).encode()
		r = requests.post(
			url,
			data=body,
			headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, app_secret)},
			timeout=timeout,
		)
		return r.status_code, r.text

	@staticmethod
	def verify_challenge(url: str, verify_token: str) -> bool:
		r = requests.get(
			url,
			params={"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": "1158201444"},
			timeout=10,
		)
		return r.status_code == 200 and r.text == "1158201444"

	# --- HTTP ------------------------------------------------------------------------------
	def render_fault(self, kind: str, params: dict) -> Response:
		if kind == "rate_limit":
			resp = graph_error("(#4) Application request limit reached", 4, etype="OAuthException")
			minutes = max(1, int(float(params.get("reset_in", 60)) // 60))
			resp.headers["X-Business-Use-Case-Usage"] = json.dumps(
				{
					PAGE_ID: [
						{
							"type": "pages",
							"call_count": 100,
							"total_cputime": 10,
							"total_time": 10,
							"estimated_time_to_regain_access": minutes,
						}
					]
				}
			)
			resp.headers["X-App-Usage"] = json.dumps({"call_count": 100, "total_cputime": 5, "total_time": 5})
			return resp
		if kind == "expired_token":
			return graph_error("Error validating access token: Session has expired.", 190, 463)
		if kind == "outside_window":
			return graph_error("(#10) This message is sent outside of allowed window.", 10, 2018278)
		return graph_error(
			"An unexpected error has occurred. Please retry your request later.",
			2,
			status=int(params.get("status", 500)),
			etype="OAuthException",
		)

	def control(self, action: str, data: dict) -> Response:
		if action == "user":
			return Response(200, self.add_user(data["user_id"], data["name"], data.get("username")))
		if action == "comment":
			return Response(
				200,
				self._public(
					self.comment(data["object_id"], data["user_id"], data["text"], data.get("parent_id"))
				),
			)
		if action == "page_post":
			return Response(
				200, self._public(self.page_post(data.get("page_id", PAGE_ID), data.get("text", "")))
			)
		if action == "visitor_post":
			return Response(
				200,
				self._public(self.visitor_post(data.get("page_id", PAGE_ID), data["user_id"], data["text"])),
			)
		if action == "ig_media":
			return Response(
				200, self._public(self.ig_media(data.get("ig_id", IG_ID), data.get("caption", "")))
			)
		if action == "message":
			return Response(
				200,
				self._public(
					self.message(
						data["account_id"], data["sender_id"], data["text"], data.get("platform", "messenger")
					)
				),
			)
		if action == "revoke":
			self.revoke_token(data["token"])
			return Response(200, {"ok": True})
		if action == "state":
			return Response(200, {"sent": self.sent})
		return Response(404, {"error": f"unknown Graph control action {action}"})

	@staticmethod
	def _public(obj: dict) -> dict:
		return {k: v for k, v in obj.items() if not k.startswith("_")}

	def _respond(self, resp: Response) -> Response:
		resp.headers.setdefault(
			"X-App-Usage", json.dumps({"call_count": 1, "total_cputime": 1, "total_time": 1})
		)
		resp.headers["Content-Type"] = "application/json; charset=UTF-8"
		return resp

	def handle(self, req: Request) -> Response:
		params = req.params()
		token = (
			params.get("access_token") or req.headers.get("authorization", "").removeprefix("Bearer ").strip()
		)
		if not token:
			return self._respond(
				graph_error(
					"An active access token must be used to query information about the current user.", 2500
				)
			)
		if token in self.revoked:
			return self._respond(
				graph_error("Error validating access token: The session has been invalidated.", 190, 460)
			)
		issued = self.instagram_tokens.get(token)
		if issued and issued[1] <= time.time():
			return self._respond(graph_error("Error validating access token: Session has expired.", 190, 463))
		if req.path in ("/access_token", "/refresh_access_token") and req.method == "GET":
			with self.sandbox.lock:
				return self._respond(self._instagram_token(req.path, params, token))
		m = re.match(r"^/(v\d+\.\d+)/([^/]+)(?:/([^/]+))?/?$", req.path)
		if not m:
			return self._respond(graph_error(f"Unknown path {req.path}", 100))
		refused = self._version_refused(m.group(1))
		if refused:
			return self._respond(refused)
		obj, edge = m.group(2), m.group(3)
		with self.sandbox.lock:
			if req.method == "GET":
				resp = self._read(req, params, token, obj, edge)
			else:
				resp = self._write(params, obj, edge, req)
		return self._respond(resp)

	def issue_instagram_token(
		self, long_lived: bool = False, age: float = 0, lifetime: float | None = None
	) -> str:
		"""An Instagram user token as Instagram Login hands it out: short-lived (one hour) or long-lived
		(60 days), issued ``age`` seconds ago."""
		now = time.time()
		life = lifetime if lifetime is not None else (60 * DAY if long_lived else 3600)
		token = f"IG{'LL' if long_lived else 'SL'}-{self.next_id()}"
		self.instagram_tokens[token] = (now - age, now - age + life, long_lived)
		return token

	def _instagram_token(self, path: str, params: dict, token: str) -> Response:
		"""``GET /access_token`` (grant_type=ig_exchange_token, client_secret: a short-lived token for a
		long-lived one) and ``GET /refresh_access_token`` (grant_type=ig_refresh_token: a long-lived
		token at least 24 hours old, for another 60 days)."""
		known = self.instagram_tokens.get(token)
		if path == "/access_token":
			if params.get("grant_type") != "ig_exchange_token":
				return graph_error("(#100) grant_type must be ig_exchange_token", 100)
			if params.get("client_secret") != self.instagram_app_secret:
				return graph_error("Error validating client secret.", 1, etype="OAuthException", status=400)
			if not known or known[2]:
				return graph_error("(#100) Only a short-lived Instagram user token can be exchanged", 100)
		else:
			if params.get("grant_type") != "ig_refresh_token":
				return graph_error("(#100) grant_type must be ig_refresh_token", 100)
			if not known or not known[2]:
				return graph_error("(#100) Only a long-lived Instagram user token can be refreshed", 100)
			if time.time() - known[0] < DAY:
				return graph_error("(#100) The token must be at least 24 hours old to be refreshed", 100)
		new = self.issue_instagram_token(long_lived=True)
		return Response(200, {"access_token": new, "token_type": "bearer", "expires_in": 60 * 24 * 3600})

	def _version_refused(self, version: str) -> Response | None:
		"""Versions past their end date and versions Meta never listed are refused (Meta's own
		table, in ``platforms/meta/versions.py``); ``self.today`` moves the calendar in tests."""
		status, _until = version_status(version, self.today or datetime.now(timezone.utc).date())
		if status == "expired":
			return graph_error(
				f"(#2635) You are calling a deprecated version of the Graph API. Please update to the latest version: {DEFAULT_GRAPH_VERSION}.",
				2635,
			)
		if status == "unknown":
			return graph_error(f"Unknown path components: /{version}", 2500)
		return None

	# --- reads -----------------------------------------------------------------------------
	def _paged(self, req: Request, params: dict, token: str, rows: list[dict]) -> Response:
		limit = max(1, min(int(params.get("limit") or 25), 100))
		after = params.get("after")
		start = int(after) if after and after.isdigit() else 0
		chunk = rows[start : start + limit]
		body = {"data": chunk}
		if chunk:
			body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
			if start + limit < len(rows):
				query = {k: v for k, v in params.items() if k != "after"}
				query.update({"access_token": token, "after": str(start + limit)})
				host = req.headers.get("host", "127.0.0.1")
				body["paging"]["next"] = f"http://{host}{req.path}?{urlencode(query)}"
		return Response(200, body)

	def _comment_obj(self, cm: dict, instagram: bool) -> dict:
		who = self.users.get(cm["_author"]) or {"id": cm["_author"]}
		if instagram:
			out = {
				"id": cm["id"],
				"text": cm["text"],
				"username": who.get("username"),
				"from": {"id": cm["_author"], "username": who.get("username")},
				"timestamp": graph_time(cm["_ts"]),
			}
			replies = [self._comment_obj(r, True) for r in self.comments if r["_parent"] == cm["id"]]
			if replies:
				out["replies"] = {"data": replies}
			return out
		out = {
			"id": cm["id"],
			"message": cm["text"],
			"from": self._from(cm["_author"]),
			"created_time": graph_time(cm["_ts"]),
		}
		if cm["_parent"]:
			out["parent"] = {"id": cm["_parent"]}
		if cm.get("_attachment"):
			out["attachment"] = self._feed_attachment(cm["_attachment"])
		return out

	def _read(self, req, params, token, obj, edge):
		if edge in ("comments", "replies"):
			rows = [
				self._comment_obj(c, edge == "replies")
				for c in self.comments
				if c["_parent"] == obj or (c["_object"] == obj and not c["_parent"])
			]
			return self._paged(req, params, token, rows)
		if edge == "feed":
			posts = sorted(
				(p for p in self.posts if p["_page"] == obj), key=lambda p: p["_updated"], reverse=True
			)
			rows = []
			for p in posts:
				comments = sorted(
					(c for c in self.comments if c["_object"] == p["id"]), key=lambda c: c["_ts"]
				)
				row = {
					"id": p["id"],
					"message": p["message"],
					"created_time": graph_time(p["_ts"]),
					"updated_time": graph_time(p["_updated"]),
					"from": self._from(p["_author"]),
					"permalink_url": f"https://www.facebook.com/{p['id']}",
				}
				if p.get("_attachment"):
					row["attachments"] = {"data": [self._feed_attachment(p["_attachment"])]}
				if comments:
					row["comments"] = {"data": [self._comment_obj(c, False) for c in comments]}
				rows.append(row)
			return self._paged(req, params, token, rows)
		if edge == "media":
			rows = []
			for media in sorted(
				(m for m in self.media if m["_account"] == obj), key=lambda m: m["_ts"], reverse=True
			):
				top = [c for c in self.comments if c["_object"] == media["id"] and not c["_parent"]]
				row = {
					"id": media["id"],
					"caption": media["caption"],
					"timestamp": graph_time(media["_ts"]),
					"permalink": f"https://www.instagram.com/p/{media['id']}/",
				}
				if top:
					row["comments"] = {
						"data": [self._comment_obj(c, True) for c in sorted(top, key=lambda c: c["_ts"])]
					}
				rows.append(row)
			return self._paged(req, params, token, rows)
		if edge == "conversations":
			platform = params.get("platform", "messenger")
			threads: dict[str, list[dict]] = {}
			for msg in self.messages:
				if msg["_account"] == obj and msg["_platform"] == platform:
					partner = msg["_to"] if msg["_from"] == obj else msg["_from"]
					threads.setdefault(partner, []).append(msg)
			rows = []
			for partner, msgs in threads.items():
				msgs = sorted(msgs, key=lambda x: x["_ts"], reverse=True)  # newest first, like the Graph API
				rows.append(
					{
						"id": f"t_{obj}_{partner}",
						"updated_time": graph_time(msgs[0]["_ts"]),
						"participants": {"data": [self._participant(obj), self._participant(partner)]},
						"messages": {
							"data": [
								{
									"id": x["id"],
									"message": x["message"],
									"created_time": graph_time(x["_ts"]),
									"from": self._participant(x["_from"]),
									"to": {"data": [self._participant(x["_to"])]},
								}
								| (
									{
										"attachments": {
											"data": [self._graph_attachment(a) for a in x["_attachments"]]
										}
									}
									if x.get("_attachments")
									else {}
								)
								for x in msgs
							]
						},
					}
				)
			rows.sort(key=lambda r: r["updated_time"], reverse=True)
			return self._paged(req, params, token, rows)
		if edge is None:
			for finder in (self._find_post, self._find_comment, self._find_media):
				found = finder(obj)
				if found:
					return Response(200, self._public(found) | {"id": found["id"]})
			if obj in self.private_profiles:
				return graph_error("(#10) This person's profile is not available to this app.", 10)
			if obj in self.users and params.get("fields"):
				u = self.users[obj]
				first, _, last = (u.get("name") or "").partition(" ")
				known = {
					"id": obj,
					"name": u.get("name"),
					"first_name": first,
					"last_name": last,
					"username": u.get("username"),
					"profile_pic": f"https://scontent.xx.fbcdn.net/v/{obj}.jpg",
				}
				wanted = params["fields"].split(",")
				return Response(200, {k: v for k, v in known.items() if k in wanted or k == "id"})
			if obj in self.users or obj == "me":
				return Response(200, self.users.get(obj, self.users[PAGE_ID]))
		return graph_error(f"Unsupported get request. Object with ID '{obj}' does not exist.", 100, 33)

	def _participant(self, user_id: str) -> dict:
		u = self.users.get(user_id) or {"id": user_id}
		out = {"id": user_id}
		if u.get("name"):
			out["name"] = u["name"]
		if u.get("username"):
			out["username"] = u["username"]
		return out

	# --- writes ----------------------------------------------------------------------------
	IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp")
	UPLOAD_MAX = 8 * 1024 * 1024  # Messenger attachments up to 8 MB for images, 25 MB for the rest

	def _write(self, params: dict, obj: str, edge: str | None, req: Request | None = None):
		files = (
			req.multipart()[1]
			if req is not None and req.headers.get("content-type", "").startswith("multipart/")
			else {}
		)
		record = {
			"object": obj,
			"edge": edge,
			"params": {k: v for k, v in params.items() if k != "access_token"},
		}
		if files:
			record["files"] = {k: (f[0], f[1], len(f[2])) for k, f in files.items()}
		self.sent.append(record)
		if edge in ("comments", "replies"):
			text = params.get("message") or ""
			target = self._find_post(obj) or self._find_comment(obj) or self._find_media(obj)
			if not target:
				return graph_error(
					f"Unsupported post request. Object with ID '{obj}' does not exist.", 100, 33
				)
			source = files.get("source")
			instagram = (
				edge == "replies" or target in self.media or self._find_media(target.get("_object", ""))
			)
			if (source or params.get("attachment_url")) and instagram:
				return graph_error("(#100) Instagram comments cannot carry an attachment", 100)
			attachment = None
			if source:
				if source[1] not in self.IMAGE_TYPES or len(source[2]) > self.UPLOAD_MAX:
					return graph_error("(#100) source must be an image of at most 8 MB", 100)
				aid = self.next_id()
				url = self.sandbox.host_media(source[2], source[1], f"graph/{aid}")
				attachment = {
					"id": aid,
					"kind": "image",
					"url": url,
					"mime_type": source[1],
					"name": source[0],
					"size": len(source[2]),
				}
			elif params.get("attachment_url"):
				aid = self.next_id()
				attachment = {
					"id": aid,
					"kind": "image",
					"url": params["attachment_url"],
					"mime_type": "image/jpeg",
					"name": None,
					"size": 0,
				}
			if not text.strip() and not attachment:
				return graph_error("(#100) The parameter message is required", 100)
			if edge == "replies" and "_object" in target and target.get("_parent"):
				return graph_error("(#10903) This comment cannot be replied to", 10903)
			account = self._owner_of(target)
			parent = obj if target in self.comments else None
			on = target["_object"] if target in self.comments else obj
			cm = self.comment(on, account, text, parent_id=parent, attachment=attachment)
			return Response(200, {"id": cm["id"]})
		if edge == "messages":
			return self._send_message(obj, params, files.get("filedata"))
		if edge == "message_attachments":
			return self._store_attachment(params, files.get("filedata"))
		if edge == "feed":
			if not (params.get("message") or "").strip():
				return graph_error("(#100) The parameter message is required", 100)
			post = self.page_post(obj, params["message"])
			return Response(200, {"id": post["id"]})
		if edge == "likes":
			self.likes.append(obj)
			return Response(200, {"success": True})
		if edge is None and ("is_hidden" in params or "hide" in params):
			if not self._find_comment(obj):
				return graph_error(f"Object with ID '{obj}' does not exist.", 100, 33)
			self.hidden[obj] = (params.get("is_hidden") or params.get("hide")) == "true"
			return Response(200, {"success": True})
		return graph_error(f"Unsupported post request to /{obj}/{edge or ''}", 100)

	def _owner_of(self, target: dict) -> str:
		if "_page" in target:
			return target["_page"]
		if "_account" in target:
			return target["_account"]
		return self._owner_of(self._find_post(target["_object"]) or self._find_media(target["_object"]))

	def _store_attachment(self, params: dict, filedata: tuple | None):
		"""``POST /{page-id}/message_attachments``: an uploaded (``filedata``) or fetched (``url``) asset
		kept for a later message; answers its ``attachment_id``."""
		try:
			message = json.loads(params.get("message") or "{}")
		except ValueError:
			return graph_error("(#100) param message must be JSON", 100)
		atype = (message.get("attachment") or {}).get("type")
		if atype not in ("image", "video", "audio", "file"):
			return graph_error("(#100) Unsupported attachment type", 100)
		if filedata is None:
			return graph_error("(#100) Upload a file (filedata) or give a url", 100)
		if atype == "image" and (filedata[1] not in self.IMAGE_TYPES or len(filedata[2]) > self.UPLOAD_MAX):
			return graph_error("(#100) filedata must be an image of at most 8 MB", 100)
		aid = self.next_id()
		url = self.sandbox.host_media(filedata[2], filedata[1], f"graph/{aid}")
		self.stored_attachments[aid] = {
			"id": aid,
			"kind": atype,
			"url": url,
			"mime_type": filedata[1],
			"name": filedata[0],
			"size": len(filedata[2]),
		}
		return Response(200, {"attachment_id": aid})

	def _send_message(self, account: str, params: dict, filedata: tuple | None = None):
		try:
			recipient = json.loads(params.get("recipient") or "{}")
			message = json.loads(params.get("message") or "{}")
		except ValueError:
			return graph_error("(#100) param recipient must be JSON", 100)
		text = message.get("text") or ""
		now = time.time()
		platform = (
			"instagram"
			if account == IG_ID
			or any(m["_account"] == account and m["_platform"] == "instagram" for m in self.messages)
			else "messenger"
		)
		if "comment_id" in recipient:
			cm = self._find_comment(recipient["comment_id"])
			if not cm:
				return graph_error("(#100) No matching comment", 100)
			if cm["id"] in self.private_replies:
				return graph_error("(#10900) Activity already replied to", 10900)
			if now - cm["_ts"] > 7 * DAY:
				return graph_error("(#10) This message is sent outside of allowed window.", 10, 2018278)
			self.private_replies.add(cm["id"])
			to = cm["_author"]
		else:
			to = str(recipient.get("id") or "")
			last = self.last_customer_message.get((account, to))
			if last is None:
				return graph_error("(#551) This person isn't available right now.", 551)
			mtype = params.get("messaging_type", "RESPONSE")
			if mtype == "MESSAGE_TAG" and params.get("tag") == "HUMAN_AGENT":
				allowed = now - last <= 7 * DAY
			elif mtype in ("RESPONSE", "UPDATE"):
				allowed = now - last <= DAY
			else:
				return graph_error("(#100) Invalid messaging_type or tag", 100)
			if not allowed:
				return graph_error("(#10) This message is sent outside of allowed window.", 10, 2018278)
		attachments = []
		attachment = message.get("attachment")
		if attachment:
			if "comment_id" in recipient:
				return graph_error("(#100) A private reply carries text only", 100)
			if text:
				return graph_error("(#100) A message has either text or an attachment", 100)
			atype = attachment.get("type")
			if atype not in ("image", "video", "audio", "file"):
				return graph_error("(#100) Unsupported attachment type", 100)
			payload = attachment.get("payload") or {}
			if filedata is not None:
				if platform == "instagram":
					return graph_error(
						"(#100) Instagram messages take an attachment by URL, not an upload", 100
					)
				if atype == "image" and (
					filedata[1] not in self.IMAGE_TYPES or len(filedata[2]) > self.UPLOAD_MAX
				):
					return graph_error("(#100) filedata must be an image of at most 8 MB", 100)
				aid = self.next_id()
				url = self.sandbox.host_media(filedata[2], filedata[1], f"graph/{aid}")
				attachments.append(
					{
						"id": aid,
						"kind": atype,
						"url": url,
						"mime_type": filedata[1],
						"name": filedata[0],
						"size": len(filedata[2]),
					}
				)
			elif payload.get("attachment_id"):
				stored = self.stored_attachments.get(str(payload["attachment_id"]))
				if not stored:
					return graph_error("(#100) No such attachment_id", 100)
				attachments.append(stored)
			elif payload.get("url"):
				aid = self.next_id()
				attachments.append(
					{
						"id": aid,
						"kind": atype,
						"url": payload["url"],
						"mime_type": "image/jpeg",
						"name": None,
						"size": 0,
					}
				)
			else:
				return graph_error("(#100) An attachment needs a url or an uploaded file", 100)
		elif not text.strip():
			return graph_error("(#100) message text is required", 100)
		msg = {
			"id": f"m_{self.next_id()}",
			"_account": account,
			"_platform": platform,
			"_from": account,
			"_to": to,
			"message": text,
			"_ts": now,
		}
		if attachments:
			msg["_attachments"] = attachments
		self.messages.append(msg)
		out = {"recipient_id": to, "message_id": msg["id"]}
		if attachments:
			out["attachment_id"] = attachments[0]["id"]
		return Response(200, out)
