"""Stateful emulator of the WhatsApp Cloud API endpoints the app uses.

Defaults: phone number id ``3001`` (display ``+1 555 010 3001``, quality GREEN) in WhatsApp
Business Account ``3101``, with the templates ``order_update`` (UTILITY, positional variables),
``survey_invite`` (UTILITY, named variable), ``spring_sale`` (MARKETING, PAUSED) and
``old_notice`` (REJECTED). Any non-empty bearer token is accepted unless revoked.

Endpoints (``vN`` any version): ``POST /vN/{phone-number-id}/messages`` (text, media by id,
template, with the rules below), ``GET /vN/{phone-number-id}`` (display number, quality),
``GET /vN/{waba-id}/message_templates`` (paged), ``GET /vN/{media-id}`` (the media's download URL on
this server) and ``GET /_media/whatsapp/ID`` (the bytes, bearer token needed; under the sandbox's media path,
so a sandbox channel's downloads pass the same host rules as every platform's).

Rules: a free-form message more than 24 hours after the customer's last message is accepted and
then fails with 131047 in its status webhook (as WhatsApp does); a template must exist in the
language asked, be APPROVED (paused 132015, disabled 132016, else 132001) and get as many
parameters as it has variables (132000); a number marked undeliverable fails with 131026.
Statuses (sent, delivered, read or failed) are queued per message and turned into signed webhooks
by :meth:`WhatsAppApi.status_payload` / :meth:`deliver_webhook`; customers write with
:meth:`customer_message` and :meth:`message_payload`.
"""

from __future__ import annotations

import itertools
import json
import re
import time

import requests

from social_support.platforms.meta.webhook import signature

from .wire import Request, Response

PHONE_NUMBER_ID = "3001"
DISPLAY_NUMBER = "+1 555 010 3001"
WABA_ID = "3101"
DAY = 24 * 3600

DEFAULT_TEMPLATES = [
	{
		"name": "order_update",
		"language": "en_US",
		"status": "APPROVED",
		"category": "UTILITY",
		"parameter_format": "POSITIONAL",
		"components": [
			{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
			{"type": "BODY", "text": "Hello {{1}}, about your order {{2}}: we have news. Reply to continue."},
			{"type": "FOOTER", "text": "Brand support"},
		],
	},
	{
		"name": "survey_invite",
		"language": "en_US",
		"status": "APPROVED",
		"category": "UTILITY",
		"parameter_format": "NAMED",
		"components": [
			{"type": "BODY", "text": "How did we do? Tell us here: {{survey_link}}"},
		],
	},
	{
		"name": "spring_sale",
		"language": "en_US",
		"status": "PAUSED",
		"category": "MARKETING",
		"components": [{"type": "BODY", "text": "Spring sale for {{1}}!"}],
	},
	{
		"name": "old_notice",
		"language": "en_US",
		"status": "REJECTED",
		"category": "UTILITY",
		"components": [{"type": "BODY", "text": "Notice"}],
	},
]

MEDIA_PATH = "/_media/whatsapp/"  # the bytes of a media id, bearer token needed


def wa_error(message: str, code: int, status: int = 400, details: str | None = None) -> Response:
	err = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "SANDBOX"}
	if details:
		err["error_data"] = {"messaging_product": "whatsapp", "details": details}
	return Response(status, {"error": err})


class WhatsAppApi:
	def __init__(self, sandbox):
		self.sandbox = sandbox
		self._ids = itertools.count(int(time.time()) * 1000)
		self.numbers: dict[str, dict] = {
			PHONE_NUMBER_ID: {
				"id": PHONE_NUMBER_ID,
				"display_phone_number": DISPLAY_NUMBER,
				"verified_name": "Brand",
				"quality_rating": "GREEN",
				"messaging_limit_tier": "TIER_1K",
				"_waba": WABA_ID,
			}
		}
		self.templates: dict[str, list[dict]] = {
			WABA_ID: [{**t, "id": str(900 + i)} for i, t in enumerate(DEFAULT_TEMPLATES)]
		}
		self.customers: dict[str, dict] = {}  # key (BSUID or phone) -> {wa_id, user_id, name, username}
		self.inbound: list[dict] = []  # messages customers wrote: {message, contact, _number}
		self.sent: list[dict] = []  # every message the app sent, with its fate
		self.statuses: dict[str, list[dict]] = {}  # wamid -> statuses not yet delivered by webhook
		self.media: dict[str, dict] = {}  # media id -> {mime_type, content}
		self.last_customer_message: dict[tuple[str, str], float] = {}
		self.undeliverable: set[str] = set()
		self.revoked: set[str] = set()
		self.media_host: str | None = None  # where media URLs point (None: this server)

	# --- python API ------------------------------------------------------------------------------
	def next_id(self) -> str:
		return str(next(self._ids))

	def wamid(self) -> str:
		return "wamid.HBgL" + self.next_id() + "FQIAERgS"

	def owns(self, segment: str) -> bool:
		return segment in self.numbers or segment in self.templates or segment in self.media

	def add_customer(
		self, phone: str | None, name: str, *, user_id: str | None = None, username: str | None = None
	) -> dict:
		"""A WhatsApp user: a phone number, a business-scoped user id, or both (the key: BSUID first)."""
		with self.sandbox.lock:
			customer = {"wa_id": phone, "user_id": user_id, "name": name, "username": username}
			for key in (user_id, phone):
				if key:
					self.customers[key] = customer
			return customer

	def add_media(self, content: bytes, mime_type: str = "image/jpeg") -> str:
		with self.sandbox.lock:
			media_id = self.next_id()
			self.media[media_id] = {"mime_type": mime_type, "content": content}
			return media_id

	def customer_message(
		self,
		customer: str,
		kind: str = "text",
		*,
		text: str = "",
		number: str = PHONE_NUMBER_ID,
		at: float | None = None,
		body: dict | None = None,
		hide_phone: bool = False,
	) -> dict:
		"""A message from a customer (text, or any other ``kind`` with its ``body`` object); it opens
		the 24-hour window. ``hide_phone``: the webhook carries no phone number (a username user)."""
		with self.sandbox.lock:
			c = self.customers[customer]
			ts = at or time.time()
			msg = {"id": self.wamid(), "timestamp": str(int(ts)), "type": kind}
			if c.get("wa_id") and not hide_phone:
				msg["from"] = c["wa_id"]
			if c.get("user_id"):
				msg["from_user_id"] = c["user_id"]
			if kind == "text":
				msg["text"] = {"body": text}
			elif body is not None:
				msg[kind] = body
			contact = {"profile": {"name": c["name"]}}
			if c.get("username"):
				contact["profile"]["username"] = c["username"]
			if c.get("wa_id") and not hide_phone:
				contact["wa_id"] = c["wa_id"]
			if c.get("user_id"):
				contact["user_id"] = c["user_id"]
			self.inbound.append({"message": msg, "contact": contact, "_number": number})
			for key in (c.get("user_id"), c.get("wa_id")):
				if key:
					self.last_customer_message[(number, key)] = ts
			return msg

	def set_last_message_at(self, customer: str, when: float, number: str = PHONE_NUMBER_ID) -> None:
		with self.sandbox.lock:
			c = self.customers[customer]
			for key in (c.get("user_id"), c.get("wa_id")):
				if key:
					self.last_customer_message[(number, key)] = when

	def revoke_token(self, token: str) -> None:
		with self.sandbox.lock:
			self.revoked.add(token)

	def _value(self, number: str) -> dict:
		n = self.numbers[number]
		return {
			"messaging_product": "whatsapp",
			"metadata": {
				"display_phone_number": n["display_phone_number"].replace(" ", "").lstrip("+"),
				"phone_number_id": number,
			},
		}

	def message_payload(self, *message_ids: str) -> dict:
		"""A webhook delivery of customer messages (one change per phone number, one entry per account)."""
		by_number: dict[str, dict] = {}
		for row in self.inbound:
			if row["message"]["id"] in message_ids:
				value = by_number.setdefault(
					row["_number"], {**self._value(row["_number"]), "contacts": [], "messages": []}
				)
				if row["contact"] not in value["contacts"]:
					value["contacts"].append(row["contact"])
				value["messages"].append(row["message"])
		return self._delivery(by_number)

	def status_payload(self, *wamids: str, only: str | None = None) -> dict:
		"""A webhook delivery of the queued statuses of sent messages (all, or only ``only``); delivered
		ones leave the queue."""
		by_number: dict[str, dict] = {}
		with self.sandbox.lock:
			for wamid in wamids or list(self.statuses):
				queue = self.statuses.get(wamid) or []
				keep = []
				for st in queue:
					if only and st["status"] != only:
						keep.append(st)
						continue
					number = st.pop("_number")
					by_number.setdefault(number, {**self._value(number), "statuses": []})["statuses"].append(
						st
					)
				self.statuses[wamid] = keep
		return self._delivery(by_number)

	def _delivery(self, by_number: dict[str, dict]) -> dict:
		entries: dict[str, dict] = {}
		for number, value in by_number.items():
			waba = self.numbers[number]["_waba"]
			entries.setdefault(waba, {"id": waba, "changes": []})["changes"].append(
				{"field": "messages", "value": value}
			)
		return {"object": "whatsapp_business_account", "entry": list(entries.values())}

	def advance(self, wamid: str, *statuses: str) -> None:
		"""Queue further statuses of a sent message (``delivered``, ``read``)."""
		with self.sandbox.lock:
			sent = next(s for s in self.sent if s["id"] == wamid)
			for status in statuses:
				self.statuses.setdefault(wamid, []).append(self._status(sent, status))

	def _status(self, sent: dict, status: str, error: tuple[int, str, str] | None = None) -> dict:
		c = self.customers.get(sent["_to"]) or {}
		st = {
			"id": sent["id"],
			"status": status,
			"timestamp": str(int(time.time())),
			"_number": sent["_number"],
		}
		if c.get("wa_id"):
			st["recipient_id"] = c["wa_id"]
		if c.get("user_id"):
			st["recipient_user_id"] = c["user_id"]
		if sent.get("biz_opaque_callback_data"):
			st["biz_opaque_callback_data"] = sent["biz_opaque_callback_data"]
		if error:
			code, title, details = error
			st["errors"] = [
				{"code": code, "title": title, "message": title, "error_data": {"details": details}}
			]
		return st

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

	# --- HTTP ------------------------------------------------------------------------------------
	def render_fault(self, kind: str, params: dict) -> Response:
		if kind == "rate_limit":
			return wa_error(
				"(#130429) Rate limit hit", 130429, details="Cloud API message throughput has been reached."
			)
		if kind == "expired_token":
			return wa_error("Error validating access token: Session has expired.", 190, status=401)
		if kind == "outside_window":
			return wa_error("(#131047) Re-engagement message", 131047)
		return wa_error("(#131000) Something went wrong", 131000, status=int(params.get("status", 500)))

	def control(self, action: str, data: dict) -> Response:
		if action == "customer":
			return Response(
				200,
				self.add_customer(
					data.get("phone"),
					data["name"],
					user_id=data.get("user_id"),
					username=data.get("username"),
				),
			)
		if action == "message":
			return Response(200, self.customer_message(data["customer"], text=data.get("text", "")))
		if action == "state":
			return Response(
				200, {"sent": [{k: v for k, v in s.items() if not k.startswith("_")} for s in self.sent]}
			)
		return Response(404, {"error": f"unknown WhatsApp control action {action}"})

	def handle(self, req: Request) -> Response:
		auth = req.headers.get("authorization", "")
		token = auth[7:] if auth.lower().startswith("bearer ") else ""
		if not token:
			return wa_error("An access token is required to request this resource.", 190, status=401)
		if token in self.revoked:
			return wa_error(
				"Error validating access token: The session has been invalidated.", 190, status=401
			)
		if req.path.startswith(MEDIA_PATH):
			m = self.media.get(req.path[len(MEDIA_PATH) :].strip("/"))
			if not m:
				return wa_error("media not found", 100, status=404)
			return Response(200, m["content"], {"Content-Type": m["mime_type"]})
		parts = [p for p in req.path.split("/") if p]
		if len(parts) < 2 or not re.fullmatch(r"v\d+\.\d+", parts[0]):
			return wa_error("Unknown path components", 2500)
		obj, edge = parts[1], parts[2] if len(parts) > 2 else None
		with self.sandbox.lock:
			if obj in self.numbers and edge == "messages" and req.method == "POST":
				return self._send(obj, req.json())
			if obj in self.numbers and edge is None and req.method == "GET":
				n = self.numbers[obj]
				return Response(200, {k: v for k, v in n.items() if not k.startswith("_")})
			if obj in self.templates and edge == "message_templates" and req.method == "GET":
				return self._templates(obj, req.query)
			if obj in self.media and edge is None and req.method == "GET":
				m = self.media[obj]
				base = self.media_host or f"http://{req.headers.get('host', '127.0.0.1')}"
				return Response(
					200,
					{
						"messaging_product": "whatsapp",
						"id": obj,
						"mime_type": m["mime_type"],
						"file_size": len(m["content"]),
						"sha256": "sandbox",
						"url": f"{base}{MEDIA_PATH}{obj}",
					},
				)
		return wa_error(f"Unsupported {req.method} request. Object with ID '{obj}' does not exist.", 100)

	def _templates(self, waba: str, query: dict) -> Response:
		rows = self.templates[waba]
		limit = int(query.get("limit") or 25)
		start = int(query.get("after") or 0)
		page = rows[start : start + limit]
		body: dict = {
			"data": page,
			"paging": {"cursors": {"before": str(start), "after": str(start + len(page))}},
		}
		if start + limit < len(rows):
			body["paging"]["next"] = f"/message_templates?after={start + len(page)}"
		return Response(200, body)

	def _send(self, number: str, body: dict) -> Response:
		if body.get("messaging_product") != "whatsapp":
			return wa_error("(#100) The parameter messaging_product is required.", 100)
		to = body.get("to") or body.get("recipient")
		if not to or to not in self.customers:
			# WhatsApp accepts any well-formed number and fails later: unknown ones are undeliverable
			if not to:
				return wa_error("(#131008) Required parameter is missing", 131008, details="to")
		kind = body.get("type")
		error = None
		if kind == "template":
			t = body.get("template") or {}
			found = [
				x
				for x in self.templates[self.numbers[number]["_waba"]]
				if x["name"] == t.get("name") and x["language"] == (t.get("language") or {}).get("code")
			]
			if not found:
				return wa_error("(#132001) Template name does not exist in the translation", 132001)
			tpl = found[0]
			if tpl["status"] == "PAUSED":
				return wa_error("(#132015) Template is Paused", 132015)
			if tpl["status"] != "APPROVED":
				return wa_error("(#132016) Template is disabled", 132016)
			wanted = sum(
				len(set(re.findall(r"\{\{\s*(\w+)\s*\}\}", comp.get("text") or "")))
				for comp in tpl["components"]
				if comp["type"] in ("HEADER", "BODY")
			)
			given = sum(len(comp.get("parameters") or []) for comp in t.get("components") or [])
			if wanted != given:
				return wa_error(
					"(#132000) Number of parameters does not match the expected number of params", 132000
				)
		elif kind == "text":
			text = (body.get("text") or {}).get("body") or ""
			if not text:
				return wa_error("(#100) Invalid parameter", 100, details="text.body is required")
			if len(text) > 4096:
				return wa_error("(#100) Invalid parameter", 100, details="text.body is too long")
		elif kind in ("image", "video", "audio", "document", "sticker"):
			mid = (body.get(kind) or {}).get("id")
			if mid not in self.media:
				return wa_error("(#131053) Media upload error", 131053)
		else:
			return wa_error("(#131051) Unsupported message type", 131051)
		if kind != "template":
			last = self.last_customer_message.get((number, to))
			if last is None or time.time() - last > DAY:
				error = (
					131047,
					"Re-engagement message",
					"More than 24 hours have passed since the recipient last replied to the sender number.",
				)
		if to not in self.customers or to in self.undeliverable:
			error = (131026, "Message undeliverable", "Unable to deliver message.")
		sent = {
			"id": self.wamid(),
			"_to": to,
			"_number": number,
			"type": kind,
			"body": body,
			"biz_opaque_callback_data": body.get("biz_opaque_callback_data"),
			"failed": error[0] if error else None,
		}
		self.sent.append(sent)
		self.statuses[sent["id"]] = [
			self._status(sent, "failed", error) if error else self._status(sent, "sent")
		]
		contact = {"input": to}
		customer = self.customers.get(to) or {}
		if customer.get("wa_id"):
			contact["wa_id"] = customer["wa_id"]
		if customer.get("user_id"):
			contact["user_id"] = customer["user_id"]
		return Response(
			200, {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": sent["id"]}]}
		)
