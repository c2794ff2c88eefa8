"""Sending an approved Social Reply (any purpose, any mode), at most once.

The reply is claimed with a compare-and-set (``Approved``/``Sending`` with the attempt count
read -> ``Sending`` with one more attempt, committed) before the platform is called, so two
workers never both send it. If the answer is lost (the connection drops after the platform
accepted, or the worker dies before the commit), the reply stays Sending; the next attempt
first asks the platform whether it already has it (``client.find_sent``, which compares the
platform's rendering of the text) and only sends when it does not. A platform that refuses
the text as a duplicate has it already: it is looked up and the reply marked Sent.
"""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, now_datetime

from social_support.core import channels as ch
from social_support.core import usage
from social_support.core.keys import message_key
from social_support.core.notify import notify
from social_support.core.text import clean_text, to_html
from social_support.platforms import make_client
from social_support.platforms.base import (
	FACEBOOK,
	INSTAGRAM,
	WHATSAPP,
	AuthError,
	Duplicate,
	OutsideWindow,
	PlatformError,
	RateLimited,
	TransientError,
)
from social_support.platforms.meta import messaging_window
from social_support.tickets import get_adapter

from . import images
from .constants import (
	ACKNOWLEDGEMENT,
	ANSWERS,
	APPROVED,
	AUTOMATIC,
	DM,
	FAILED,
	GESTURES,
	HIDE,
	INCIDENT_UPDATE,
	LIKE,
	POST,
	PRIVATE,
	PUBLIC,
	REPOST,
	SENDABLE,
	SENDING,
	SENT,
	SURVEY,
)
from .records import enqueue_send, note
from .sendable import NotSendable, assert_sendable

MAX_ATTEMPTS = 6
WHATSAPP_LOST_ANSWER = (
	"An earlier attempt may have reached WhatsApp but its answer was lost; it is not sent again, so the "
	"customer never gets it twice. If WhatsApp reports it, the reply is marked Sent; otherwise write it again."
)
STALE_MINUTES = 5  # a claim older than this without an answer: its worker is gone
FIND_MODE = {PUBLIC: "public", DM: "dm", PRIVATE: "private", POST: "post"}
FIELDS = [
	"name",
	"status",
	"channel",
	"platform",
	"mode",
	"target_id",
	"final_text",
	"messaging_tag",
	"attempts",
	"reference_doctype",
	"reference_name",
	"in_reply_to",
	"author",
	"communication",
	"purpose",
	"incident",
	"action_reason",
	"whatsapp_template",
	"template_values",
	"image",
	"image_hash",
]


def send_reply(name: str, client=None) -> str:
	reply = frappe.db.get_value("Social Reply", name, FIELDS, as_dict=True)
	if not reply or reply.status not in SENDABLE:
		return reply.status if reply else "missing"
	channel = frappe.get_doc("Social Channel", reply.channel)
	if channel.needs_reauthorization:
		return _fail(
			reply,
			_(
				"The channel needs reauthorization; the reply will not be sent until new credentials are saved."
			),
		)
	was_sending = reply.status == SENDING
	if not _claim(reply):
		# another worker has it (or it changed meanwhile): never two sends of one reply
		return frappe.db.get_value("Social Reply", name, "status")
	try:
		assert_sendable(name)  # the approval record, again, right before any platform call
	except NotSendable as e:
		frappe.clear_messages()
		return _fail(reply, str(e))
	try:
		# the approved bytes, read again (assert_sendable checked the approvals hold for their hash)
		reply.outbound_image = images.for_send(reply)
	except frappe.ValidationError as e:
		frappe.clear_messages()
		return _fail(reply, str(e))
	try:
		# a channel whose API host is no longer accepted fails the reply instead of leaving it Sending
		client = client or make_client(ch.channel_config(channel))
		if was_sending and reply.platform == WHATSAPP:
			# WhatsApp keeps no history to look in: an attempt whose answer was lost may have reached the
			# customer, and its status webhook names it (by the reply, as callback data). Never a second send.
			return _fail(reply, _(WHATSAPP_LOST_ANSWER))
		if was_sending and reply.mode in FIND_MODE:
			# an earlier attempt may have reached the platform: look before sending again
			found = _find(client, reply)
			if found:
				return _mark_sent(reply, found)
		try:
			result = _call(client, reply)
		except Duplicate:
			# the platform has this text from us already (X refuses it again): find it, it is sent
			found = _find(client, reply) if reply.mode in FIND_MODE else None
			if not found:
				raise
			return _mark_sent(reply, found)
	except PlatformError as e:
		frappe.db.rollback()
		return _handle_error(reply, e, channel.name)
	return _mark_sent(reply, result.external_id)


def _claim(reply) -> bool:
	"""Compare-and-set: only the worker that moves the row from what it read gets to send.

	A Sending row is taken over only when it waits for a retry (``next_attempt_on``) or its claim is
	stale (the worker vanished): a send still in flight is never doubled by a second worker.
	"""
	now = now_datetime()
	frappe.db.sql(
		"""update `tabSocial Reply` set status=%(sending)s, attempts=%(next)s, next_attempt_on=null, modified=%(now)s
		where name=%(name)s and status=%(status)s and ifnull(attempts, 0)=%(attempts)s
			and (status=%(approved)s or next_attempt_on is not null or modified < %(stale)s)""",
		{
			"sending": SENDING,
			"next": cint(reply.attempts) + 1,
			"now": now,
			"name": reply.name,
			"status": reply.status,
			"attempts": cint(reply.attempts),
			"approved": APPROVED,
			"stale": add_to_date(now, minutes=-STALE_MINUTES),
		},
	)
	claimed = frappe.db._cursor.rowcount == 1
	frappe.db.commit()
	if claimed:
		reply.attempts = cint(reply.attempts) + 1
	return claimed


def _find(client, reply) -> str | None:
	try:
		return client.find_sent(FIND_MODE[reply.mode], reply.target_id, reply.final_text)
	finally:
		usage.record_client(reply.channel, client)


def _call(client, reply):
	try:
		return _dispatch(client, reply)
	finally:
		usage.record_client(reply.channel, client)  # what a send costs (never held by the budget)


def _dispatch(client, reply):
	mode, target, text = reply.mode, reply.target_id, reply.final_text
	if reply.platform == WHATSAPP and mode == DM:
		from . import whatsapp

		return whatsapp.dispatch(client, reply)
	image = reply.get("outbound_image")
	if image is not None:
		if mode == PUBLIC:
			return client.reply_public(target, text, image=image)
		if mode == DM and reply.platform in (FACEBOOK, INSTAGRAM):
			return _messenger_with_image(client, reply, image)
		if mode == DM:
			return client.send_dm(target, text, tag=_messaging_tag_now(reply), image=image)
		if mode == POST:
			return client.post(text, image=image)
		raise PlatformError(f"an image cannot go with a {mode}")
	if mode == PUBLIC:
		return client.reply_public(target, text)
	if mode == PRIVATE:
		return client.private_reply(target, text)
	if mode == DM:
		return client.send_dm(target, text, tag=_messaging_tag_now(reply))
	if mode == POST:
		return client.post(text)
	if mode == LIKE:
		return client.like(target)
	if mode == REPOST:
		return client.repost(target)
	if mode == HIDE:
		return client.hide(target, True)
	raise PlatformError(f"unknown reply mode {mode!r}")


def _messenger_with_image(client, reply, image):
	"""Messenger and Instagram carry an image as a message of its own: the image first, its id recorded and
	committed at once, then the words. A retry never sends the image again (its id is on the reply);
	after a lost answer the conversation is looked up for it first."""
	tag = _messaging_tag_now(reply)
	sent = frappe.db.get_value("Social Reply", reply.name, "image_message_id")
	if not sent:
		if cint(reply.attempts) > 1:
			since = frappe.db.get_value("Social Reply", reply.name, "creation")
			since = get_datetime(since).replace(tzinfo=ZoneInfo(frappe.utils.get_system_timezone()))
			sent = client.find_sent_image(reply.target_id, since.astimezone(timezone.utc))
		sent = sent or client.send_image_dm(reply.target_id, image, tag=tag).external_id
		frappe.db.set_value("Social Reply", reply.name, "image_message_id", sent, update_modified=False)
		frappe.db.commit()
	return client.send_dm(reply.target_id, reply.final_text, tag=tag)


def _messaging_tag_now(reply) -> str | None:
	"""Meta DMs: the window decides the tag when the message leaves, not when it was written (an
	approval can take a day): no tag inside 24 hours of the customer's last message, HUMAN_AGENT
	for a person's reply up to 7 days, and beyond that, or for an automatic message past 24
	hours, nothing is sent. What was used is kept on the reply."""
	if reply.platform not in (FACEBOOK, INSTAGRAM):
		return reply.messaging_tag
	last = frappe.db.get_value(
		"Social Message",
		{
			"reference_name": reply.reference_name,
			"direction": "Inbound",
			"kind": "DM",
			"channel": reply.channel,
		},
		"posted_on",
		order_by="posted_on desc",
	)
	if not last:
		return reply.messaging_tag
	window = messaging_window(
		get_datetime(last).replace(tzinfo=timezone.utc),
		now_datetime().replace(tzinfo=timezone.utc),
		human_agent_allowed=reply.purpose not in AUTOMATIC,
	)
	if window is None:
		raise OutsideWindow(
			_(
				"Meta's messaging window has closed since this reply was written: the customer's last message is older than {0}."
			).format(_("7 days") if reply.purpose not in AUTOMATIC else _("24 hours"))
		)
	tag = None if window == "RESPONSE" else "HUMAN_AGENT"
	if tag != reply.messaging_tag:
		frappe.db.set_value("Social Reply", reply.name, "messaging_tag", tag, update_modified=False)
	return tag


def _handle_error(reply, e: PlatformError, channel: str) -> str:
	attempts = cint(frappe.db.get_value("Social Reply", reply.name, "attempts"))
	if isinstance(e, AuthError):
		ch.mark_needs_reauthorization(channel, e)
		return _fail(reply, str(e))
	if e.retryable and attempts < MAX_ATTEMPTS:
		wait = (
			e.retry_after if isinstance(e, RateLimited) and e.retry_after else 30 * 2 ** max(attempts - 1, 0)
		)
		# a transient error may hide an accepted send: stay Sending so the retry looks first
		status = SENDING if isinstance(e, TransientError) else APPROVED
		frappe.db.set_value(
			"Social Reply",
			reply.name,
			{
				"status": status,
				"error": str(e)[:1000],
				"next_attempt_on": add_to_date(now_datetime(), seconds=int(wait)),
			},
			update_modified=False,
		)
		frappe.db.commit()
		return status
	return _fail(reply, str(e))


def _fail(reply, message: str) -> str:
	frappe.db.set_value(
		"Social Reply", reply.name, {"status": FAILED, "error": message[:1000]}, update_modified=False
	)
	note(
		reply,
		_("Social reply {0} ({1}) failed: {2}").format(
			reply.name, _(reply.purpose), frappe.utils.escape_html(message)
		),
	)
	notify(
		[reply.author],
		_("{0} on {1} failed").format(_(reply.purpose), reply.reference_name),
		frappe.utils.escape_html(message),
		document_type="Social Reply",
		document_name=reply.name,
	)
	frappe.db.commit()
	return FAILED


def _mark_sent(reply, external_id: str) -> str:
	"""Outbound Social Message, the audit line (sent Communication for answers, else a comment) and
	the reply Sent, in one commit."""
	values = {"status": SENT, "external_id": external_id, "sent_on": now_datetime(), "error": None}
	if reply.mode in GESTURES:
		_gesture_done(reply)
	else:
		msg, comm = _record(reply, external_id)
		values.update({"social_message": msg, "communication": comm})
	values["next_attempt_on"] = None
	frappe.db.set_value("Social Reply", reply.name, values, update_modified=False)
	# what other rooms do when an item of theirs is out (a survey invitation: the survey is Sent),
	# in the same commit; they register in hooks.py, so this room knows none of them
	for method in frappe.get_hooks("social_support_after_send", {}).get(reply.purpose, []):
		frappe.get_attr(method)(reply, external_id)
	frappe.db.commit()
	return SENT


def _record(reply, external_id: str) -> tuple[str, str | None]:
	adapter = get_adapter()
	on_ticket = reply.reference_doctype == adapter.doctype
	thread_key = adapter.get(reply.reference_name, "thread_key") if on_ticket else None
	key = message_key(reply.channel, external_id)
	msg = frappe.db.get_value("Social Message", {"message_key": key}, ["name", "communication"], as_dict=True)
	comm = reply.communication or (msg.communication if msg else None)
	if reply.purpose in ANSWERS and on_ticket:
		if reply.communication:
			# written in a reply box (the desk's composer, Helpdesk's agent screen): its message was on the
			# ticket before it went out, so the ticket says when it did
			note(reply, _("Sent on {0} ({1}).").format(frappe.utils.escape_html(reply.platform), external_id))
		if not comm:
			comm = adapter.add_message(
				reply.reference_name,
				html=to_html(reply.final_text),
				sender=frappe.db.get_value("User", reply.author, "email") or reply.author,
				sender_name=frappe.utils.get_fullname(reply.author),
				sent_on=now_datetime(),
				inbound=False,
			)
		if (
			frappe.db.get_single_value("Social Support Settings", "status_after_reply") != "Unchanged"
			and adapter.get(reply.reference_name, "status") == adapter.waiting_status
		):
			adapter.mark_replied(reply.reference_name)
	else:
		# not an agent's answer: the first response time and the SLA keep waiting for a person
		note(reply, _audit_line(reply, external_id))
	if msg:
		return msg.name, comm
	doc = frappe.get_doc(
		{
			"doctype": "Social Message",
			"channel": reply.channel,
			"platform": reply.platform,
			"direction": "Outbound",
			"kind": {PUBLIC: "Comment", POST: "Post"}.get(reply.mode, "DM"),
			"status": "Sent",
			"external_id": external_id,
			"message_key": key,
			"posted_on": now_datetime(),
			"text": clean_text(reply.final_text),
			"thread_key": thread_key,
			"parent_external_id": reply.target_id if reply.mode == PUBLIC else None,
			"reference_doctype": reply.reference_doctype,
			"reference_name": reply.reference_name,
			"communication": comm,
		}
	)
	doc.db_insert()
	return doc.name, comm


def _audit_line(reply, external_id: str) -> str:
	text = frappe.utils.escape_html(reply.final_text or "")
	if reply.purpose == ACKNOWLEDGEMENT:
		return _("Acknowledged automatically: {0}").format(text)
	if reply.purpose == INCIDENT_UPDATE:
		return _("Status update posted on {0} by {1} ({2}): {3}").format(
			frappe.utils.escape_html(reply.channel), reply.author, external_id, text
		)
	if reply.purpose == SURVEY:
		return _("Satisfaction survey sent by {0}.").format(_(reply.mode))
	return _("{0} sent by {1}: {2}").format(_(reply.purpose), reply.author, text)


def _gesture_done(reply) -> None:
	if reply.mode == LIKE:
		frappe.db.set_value("Social Message", reply.in_reply_to, "liked", 1, update_modified=False)
		line = _("{0} liked the customer's message on {1}.").format(reply.author, reply.platform)
	elif reply.mode == REPOST:
		line = _("{0} reposted the customer's message on {1}.").format(reply.author, reply.platform)
	else:
		frappe.db.set_value("Social Message", reply.in_reply_to, "hidden", 1, update_modified=False)
		line = _("{0} hid this comment on {1}: {2}").format(
			reply.author, reply.platform, frappe.utils.escape_html(reply.action_reason or "")
		)
	note(reply, line)
	if reply.reference_doctype != "Social Message":
		frappe.get_doc("Social Message", reply.in_reply_to).add_comment("Info", line)


def retry_due() -> None:
	"""Scheduler: replies waiting for a retry, and Sending ones whose worker vanished."""
	now = now_datetime()
	stale = add_to_date(now, minutes=-STALE_MINUTES)
	for r in frappe.get_all(
		"Social Reply",
		filters={"status": ("in", SENDABLE)},
		fields=["name", "status", "next_attempt_on", "modified"],
		limit=500,
	):
		due = r.next_attempt_on and r.next_attempt_on <= now
		lost = r.status == SENDING and not r.next_attempt_on and r.modified < stale
		queued_never_sent = r.status == APPROVED and not r.next_attempt_on and r.modified < stale
		if due or lost or queued_never_sent:
			enqueue_send(r.name)
