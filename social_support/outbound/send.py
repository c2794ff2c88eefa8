"""Sending an approved Social Reply, at most once.

The reply is marked Sending (committed) before the platform is called. If the answer is
lost (the connection drops after the platform accepted, or the worker dies before the
commit), the reply stays Sending; the next attempt first asks the platform whether it
already has it (``client.find_sent``) and only sends when it does not.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, now_datetime

from social_support.ingest import channels as ch
from social_support.ingest.notify import notify
from social_support.ingest.pipeline import message_key
from social_support.ingest.text import to_html
from social_support.platforms import make_client
from social_support.platforms.base import AuthError, PlatformError, RateLimited, TransientError
from social_support.platforms.limits import DM, PRIVATE, PUBLIC
from social_support.tickets import get_adapter

from .approval import NotSendable, assert_sendable
from .replies import APPROVED, FAILED, SENDING, SENT

MAX_ATTEMPTS = 6
FIND_MODE = {PUBLIC: "public", DM: "dm", PRIVATE: "private"}


def send_reply(name: str, client=None) -> str:
	reply = frappe.db.get_value(
		"Social Reply",
		name,
		[
			"name",
			"status",
			"channel",
			"mode",
			"target_id",
			"final_text",
			"messaging_tag",
			"attempts",
			"reference_name",
			"author",
			"communication",
			"purpose",
		],
		as_dict=True,
	)
	if not reply or reply.status not in (APPROVED, SENDING):
		return reply.status if reply else "missing"
	try:
		assert_sendable(name)  # the approval record, again, right before any platform call
	except NotSendable as e:
		return _fail(reply, str(e))
	channel = frappe.get_doc("Social Channel", reply.channel)
	if channel.needs_reauthorization:
		return _fail(
			reply,
			_(
				"The channel needs reauthorization; the reply will not be sent until new credentials are saved."
			),
		)
	client = client or make_client(ch.channel_config(channel))
	try:
		if reply.status == SENDING:
			# an earlier attempt may have reached the platform: look before sending again
			found = client.find_sent(FIND_MODE[reply.mode], reply.target_id, reply.final_text)
			if found:
				return _mark_sent(reply, found)
		_claim(reply)
		result = _call(client, reply)
	except PlatformError as e:
		frappe.db.rollback()
		return _handle_error(reply, e, channel.name)
	return _mark_sent(reply, result.external_id)


def _claim(reply) -> None:
	frappe.db.set_value(
		"Social Reply",
		reply.name,
		{"status": SENDING, "attempts": cint(reply.attempts) + 1, "next_attempt_on": None},
		update_modified=False,
	)
	frappe.db.commit()


def _call(client, reply):
	if reply.mode == PUBLIC:
		return client.reply_public(reply.target_id, reply.final_text)
	if reply.mode == PRIVATE:
		return client.private_reply(reply.target_id, reply.final_text)
	return client.send_dm(reply.target_id, reply.final_text, tag=reply.messaging_tag)


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
	frappe.get_doc(get_adapter().doctype, reply.reference_name).add_comment(
		"Info", _("Social reply {0} failed: {1}").format(reply.name, frappe.utils.escape_html(message))
	)
	notify(
		[reply.author],
		_("Your reply on {0} failed").format(reply.reference_name),
		frappe.utils.escape_html(message),
		document_type="Social Reply",
		document_name=reply.name,
	)
	frappe.db.commit()
	return FAILED


def _mark_sent(reply, external_id: str) -> str:
	"""Outbound Social Message + sent Communication (first response, SLA) + reply Sent, in one commit."""
	adapter = get_adapter()
	issue = frappe.db.get_value(
		"Issue",
		reply.reference_name,
		["social_channel", "social_platform", "social_thread_key", "status"],
		as_dict=True,
	)
	key = message_key(reply.channel, external_id)
	msg = frappe.db.get_value("Social Message", {"message_key": key}, ["name", "communication"], as_dict=True)
	comm = reply.communication or (msg.communication if msg else None)
	automatic = reply.purpose == "Acknowledgement"
	if automatic:
		# not an agent's answer: the first response time and the SLA keep waiting for a person
		frappe.get_doc(adapter.doctype, reply.reference_name).add_comment(
			"Info", _("Acknowledged automatically: {0}").format(frappe.utils.escape_html(reply.final_text))
		)
	elif not comm:
		comm = adapter.add_message(
			reply.reference_name,
			html=to_html(reply.final_text),
			sender=frappe.db.get_value("User", reply.author, "email") or reply.author,
			sender_name=frappe.utils.get_fullname(reply.author),
			sent_on=now_datetime(),
			inbound=False,
		)
	if not msg:
		doc = frappe.get_doc(
			{
				"doctype": "Social Message",
				"channel": reply.channel,
				"platform": issue.social_platform,
				"direction": "Outbound",
				"kind": "DM" if reply.mode != PUBLIC else "Comment",
				"status": "Sent",
				"external_id": external_id,
				"message_key": key,
				"posted_on": now_datetime(),
				"text": reply.final_text,
				"thread_key": issue.social_thread_key,
				"parent_external_id": reply.target_id if reply.mode == PUBLIC else None,
				"reference_doctype": adapter.doctype,
				"reference_name": reply.reference_name,
				"communication": comm,
			}
		)
		doc.db_insert()
		msg_name = doc.name
	else:
		msg_name = msg.name
	frappe.db.set_value(
		"Social Reply",
		reply.name,
		{
			"status": SENT,
			"external_id": external_id,
			"sent_on": now_datetime(),
			"social_message": msg_name,
			"communication": comm,
			"error": None,
			"next_attempt_on": None,
		},
		update_modified=False,
	)
	if (
		not automatic
		and frappe.db.get_single_value("Social Support Settings", "status_after_reply") != "Unchanged"
		and issue.status == "Open"
	):
		frappe.db.set_value("Issue", reply.reference_name, "status", "Replied")
	frappe.db.commit()
	return SENT


def retry_due() -> None:
	"""Scheduler: replies waiting for a retry, and Sending ones whose worker vanished."""
	from .replies import enqueue_send

	now = now_datetime()
	stale = add_to_date(now, minutes=-5)
	for r in frappe.get_all(
		"Social Reply",
		filters={"status": ("in", (APPROVED, SENDING))},
		fields=["name", "status", "next_attempt_on", "modified"],
		limit=500,
	):
		due = r.next_attempt_on and r.next_attempt_on <= now
		lost = r.status == SENDING and not r.next_attempt_on and r.modified < stale
		queued_never_sent = r.status == APPROVED and not r.next_attempt_on and r.modified < stale
		if due or lost or queued_never_sent:
			enqueue_send(r.name)
