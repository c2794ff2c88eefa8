"""One normalized item -> Social Message -> Social Profile -> Contact -> thread -> ticket -> Communication.

Idempotent: the Social Message's unique ``message_key`` (channel + platform id) is claimed
first, so a redelivered or re-polled item is a no-op, decided by the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe.utils import cint, get_datetime, now_datetime

from social_support.core.keys import message_key
from social_support.core.rows import update_row
from social_support.core.text import (
	clean_text,
	media_html,
	message_html,
	subject_from,
	to_html,
	to_system_time,
)
from social_support.outbound.ack import maybe_acknowledge
from social_support.platforms.base import (
	ACTION_CREATE,
	ACTION_DELETE,
	ACTION_EDIT,
	INBOUND,
	KIND_DM,
	InboundItem,
	clean_item,
	public_thread_key,
)
from social_support.surveys.answers import rating_in_channel
from social_support.tickets import NewTicket, get_adapter

from . import continuity, customers, triage, whatsapp
from .media import media_json, queue_download
from .profiles import customer_of, ensure_profile, raised_by_for

NEW, DUPLICATE, UPDATED, SKIPPED = "new", "duplicate", "updated", "skipped"
KIND_LABEL = {"post": "Post", "comment": "Comment", "dm": "DM"}


@dataclass
class Context:
	channel: str
	platform: str
	event: str | None
	settings: object
	# the channel's API origin when it is the sandbox: its media host counts for this channel only
	sandbox_origin: tuple | None = None


def process_item(ctx: Context, item: InboundItem) -> str:
	# the one gate for outside values: ids checked (an item without a valid author id is refused
	# with InvalidItem, which fails its event visibly), links and media only on the platforms'
	# own hosts, names defused, text size-limited
	item = clean_item(item, sandbox_origin=ctx.sandbox_origin)
	arrived_as = item.author.user_id
	item = whatsapp.same_customer(item)  # WhatsApp: one customer whatever id form they arrive with
	key = message_key(ctx.channel, item.external_id)
	existing = _existing(key)
	# edits and deletes commute with the message they change: parallel drains may see them first
	if item.action == ACTION_DELETE:
		return _mark_deleted(existing, item) if existing else _tombstone(ctx, item, key)
	if existing:
		if existing.status == "Deleted":
			return DUPLICATE  # deleted before (or while) we first saw it: it stays deleted
		if item.action == ACTION_EDIT and item.text != (existing.text or "") and _is_newer(item, existing):
			return _apply_edit(existing, item)
		if existing.direction == INBOUND and existing.reference_name and not existing.communication:
			return _complete(ctx, existing)
		return DUPLICATE

	thread_key = resolve_thread(ctx, item)
	inbound = item.direction == INBOUND
	profile = ensure_profile(item.platform, item.author, ctx.settings) if inbound else None
	whatsapp.remember_ids(profile, item, arrived_as)
	posted_on = to_system_time(item.created_at)

	msg = frappe.get_doc(
		{
			"doctype": "Social Message",
			"channel": ctx.channel,
			"platform": item.platform,
			"direction": item.direction,
			"kind": KIND_LABEL.get(item.kind, "Post"),
			# an edit seen before its message (parallel drains) brings the edited text and its time
			"status": "Edited" if item.action == ACTION_EDIT else ("Received" if inbound else "Sent"),
			"edited_on": posted_on if item.action == ACTION_EDIT else None,
			"external_id": item.external_id,
			"message_key": key,
			"posted_on": posted_on,
			"permalink": item.permalink,
			"social_profile": profile.name if profile else None,
			"author_id": item.author.user_id,
			"author_handle": item.author.handle,
			"author_name": item.author.name,
			"text": item.text,
			"media": media_json(item.media),
			"thread_key": thread_key,
			"root_external_id": thread_root(thread_key) or item.root_external_id,
			"parent_external_id": item.parent_external_id,
			"summoned": 1 if item.summoned else 0,
			"inbound_event": ctx.event,
		}
	)
	msg.flags.ignore_permissions = True
	try:
		msg.db_insert()
	except frappe.DuplicateEntryError:
		# a concurrent worker claimed the same platform message first
		return DUPLICATE

	values: dict = {}
	if inbound:
		ticket, comm = _route_inbound(ctx, item, msg, profile, thread_key, posted_on, values)
	else:
		ticket, comm = _attach_outbound(ctx, item, msg, thread_key, posted_on)
	if ticket:
		values.update(reference_doctype=get_adapter().doctype, reference_name=ticket, communication=comm)
	update_row("Social Message", msg.name, values)
	if inbound and ticket and item.media:
		queue_download(ctx.channel, msg.name)  # after commit, in a job of its own: never in this transaction
	return NEW


def _existing(key: str):
	rows = frappe.db.sql(
		"""select name, text, status, direction, reference_name, communication, edited_on, media
		from `tabSocial Message` where message_key=%s""",
		(key,),
		as_dict=True,
	)
	return rows[0] if rows else None


def resolve_thread(ctx: Context, item: InboundItem) -> str:
	"""Keep a reply in its conversation even when the platform did not say which one (X webhooks)."""
	if item.kind == KIND_DM or not item.parent_external_id:
		return item.thread_key
	if item.direction == INBOUND and item.parent_external_id == item.root_external_id:
		return item.thread_key  # a customer's comment on the root: the platform named the conversation
	rows = frappe.db.sql(
		"""select external_id, root_external_id, author_id, direction, thread_key
		from `tabSocial Message` where message_key=%s""",
		(message_key(ctx.channel, item.parent_external_id),),
		as_dict=True,
	)
	if not rows:
		return item.thread_key
	parent = rows[0]
	root = parent.root_external_id or parent.external_id
	if item.direction == INBOUND:
		customer = item.author.user_id
	elif parent.direction == INBOUND:
		customer = parent.author_id
	else:
		# the account answering itself: stay in the parent's thread
		return parent.thread_key or item.thread_key
	return public_thread_key(root, customer)


def thread_root(thread_key: str) -> str | None:
	"""The conversation root of a public thread key (replies later resolve their thread through it)."""
	if thread_key.startswith("public:"):
		return thread_key.split(":")[1]
	return None


def _route_inbound(ctx, item, msg, profile, thread_key, posted_on, values: dict):
	"""The message's ticket (continued, reopened or new); the message's own fields go into ``values``."""
	if item.kind == KIND_DM:
		if rating_in_channel(ctx.channel, thread_key, item.text):
			# a survey answered in the channel: recorded, no reopening, no new ticket
			values["triage_action"] = "Survey Answer"
			return None, None
	contact = profile.contact if profile else None
	# a contact made for this very message has no customer yet
	customer = None if profile and profile.get("new_contact") else customer_of(contact)
	channel = frappe.get_cached_doc("Social Channel", ctx.channel)
	decision = triage.decide(
		msg,
		stream=item.stream,
		platform=item.platform,
		channel=ctx.channel,
		private=item.kind == KIND_DM,
		known_customer=bool(customer),
		followers=item.author.follower_count,
		handle=channel.account_handle,
		settings=ctx.settings,
	)
	values.update(decision.fields)
	adapter = get_adapter()
	# the thread's ticket, or the one this customer's conversation continues on (moved to private);
	# a customer seen for the first time has none (every thread key ends with the customer)
	if profile and profile.get("new"):
		ref = None
	else:
		ref = continuity.ticket_for(ctx.channel, thread_key, profile, item.kind == KIND_DM, ctx.settings)
	if decision.action == triage.SPAM:
		values["inbox_status"] = triage.NO_ACTION
		ticket = comm = None
	elif ref and not ref.closed:
		# a continuing conversation stays on its ticket whatever the rules say about new ones
		ticket, comm = ref.name, _add_inbound(adapter, ref.name, msg, profile, contact, ctx.settings)
		adapter.update_analysis(ticket, decision.analysis)
	elif decision.action == triage.LOG:
		values["inbox_status"] = triage.NEEDS_DECISION
		ticket = comm = None
	else:

		def commit_ticket(ticket: str) -> None:
			# a new ticket's number comes from a naming series row that stays locked until commit: the
			# ticket and the message's link to it are committed before the slower rest, so parallel
			# drains do not wait in line for the series (a crash before the rest is completed on retry)
			update_row(
				"Social Message",
				msg.name,
				{**values, "reference_doctype": adapter.doctype, "reference_name": ticket},
			)
			frappe.db.commit()

		ticket, comm = open_ticket(
			ctx.channel,
			msg,
			profile,
			contact,
			customer,
			ctx.settings,
			decision,
			ref,
			on_created=commit_ticket,
		)
	continuity.mark_crossing(ticket, ref, comm, item.kind == KIND_DM)
	customers.suggest(ticket, msg, profile, decision.analysis.language)
	return ticket, comm


def _complete(ctx: Context, existing) -> str:
	"""A message whose new ticket was committed without its communication (the worker stopped in
	between): the communication is added now, when the event is processed again."""
	msg = frappe.get_doc("Social Message", existing.name)
	profile = (
		frappe.db.get_value("Social Profile", msg.social_profile, ["name", "contact"], as_dict=True)
		if msg.social_profile
		else None
	)
	contact = profile.contact if profile else None
	comm = _add_inbound(get_adapter(), msg.reference_name, msg, profile, contact, ctx.settings)
	update_row("Social Message", msg.name, {"communication": comm})
	if msg.get("media"):
		queue_download(ctx.channel, msg.name)  # its download was never queued either
	return UPDATED


_LOOK_UP = object()


def open_ticket(
	channel: str, msg, profile, contact, customer, settings, decision, ref=_LOOK_UP, on_created=None
):
	"""The thread's closed ticket reopened (within the window) or a new one; then the message on it.
	``ref``: the thread's latest ticket when the caller has already looked it up (None: there is none).
	``on_created(ticket)``: called when a new ticket exists, before the message is added to it."""
	adapter = get_adapter()
	if ref is _LOOK_UP:
		ref = adapter.latest_for_thread(channel, msg.thread_key)
	if ref and not ref.closed:
		ticket = ref.name
	elif (
		ref and ref.closed and adapter.within_reopen_window(ref.closed_on, cint(settings.reopen_within_days))
	):
		adapter.reopen(ref.name)
		ticket = ref.name
	else:
		rule = (decision.rule if decision else None) or {}
		who = f"@{msg.author_handle}" if msg.author_handle else (msg.author_name or msg.author_id)
		subject = subject_from(msg.text, frappe._("{0} message from {1}").format(msg.platform, who))
		raised_by = raised_by_for(profile, contact, settings)
		ticket = adapter.create(
			NewTicket(
				channel=channel,
				platform=msg.platform,
				thread_key=msg.thread_key,
				subject=subject,
				description_html=message_html(msg.text, msg.get("media")),
				raised_by=raised_by,
				contact=contact,
				customer=customer,
				profile=profile.name if profile else None,
				private=msg.kind == "DM",
				permalink=msg.permalink,
				opened_on=msg.posted_on,
				priority=rule.get("priority"),
				issue_type=rule.get("issue_type"),
				tags=[t.strip() for t in (rule.get("tags") or "").split(",") if t.strip()],
				assign_to=rule.get("assign_to"),
				triage_rule=rule.get("name"),
				analysis=decision.analysis if decision else None,
			)
		)
		if on_created:
			on_created(ticket)
		# a new ticket already carries the message's time as its last inbound
		comm = _add_inbound(
			adapter, ticket, msg, profile, contact, settings, sender=raised_by, subject=subject, new=True
		)
		if cint(frappe.get_cached_value("Social Channel", channel, "auto_acknowledge")):
			# the acknowledgement answers this message: it must already belong to the ticket
			frappe.db.set_value(
				"Social Message",
				msg.name,
				{"reference_doctype": adapter.doctype, "reference_name": ticket},
				update_modified=False,
			)
			maybe_acknowledge(ticket, channel)
		return ticket, comm
	return ticket, _add_inbound(adapter, ticket, msg, profile, contact, settings)


def _add_inbound(
	adapter, ticket, msg, profile, contact, settings, sender=None, subject=None, new=False
) -> str:
	comm = adapter.add_message(
		ticket,
		html=message_html(msg.text, msg.get("media")),
		sender=sender or raised_by_for(profile, contact, settings),
		sender_name=msg.author_name or msg.author_handle,
		sent_on=msg.posted_on,
		inbound=True,
		subject=subject,
	)
	if not new:
		adapter.touch_inbound(ticket, msg.posted_on)
	return comm


def _attach_outbound(ctx, item, msg, thread_key, posted_on):
	"""The account's own post or echo: recorded, shown on the thread's open ticket, never a new ticket."""
	adapter = get_adapter()
	ref = continuity.ticket_of_thread(ctx.channel, thread_key)
	if not ref or ref.closed:
		return None, None
	# a reply sent from the app already has its Communication (matched by external id upstream)
	comm = adapter.add_message(
		ref.name,
		html=message_html(item.text, msg.get("media")),
		sender=frappe.session.user if frappe.session.user not in (None, "Guest") else "Administrator",
		sender_name=item.author.handle or item.author.name,
		sent_on=posted_on,
		inbound=False,
	)
	return ref.name, comm


def _is_newer(item: InboundItem, existing) -> bool:
	"""An edit applies unless a later edit (by the platform's clock) is already applied."""
	return not existing.edited_on or to_system_time(item.created_at) >= get_datetime(existing.edited_on)


def _tombstone(ctx: Context, item: InboundItem, key: str) -> str:
	"""A delete seen before its message: recorded, so the message arriving later stays deleted."""
	row = frappe.get_doc(
		{
			"doctype": "Social Message",
			"channel": ctx.channel,
			"platform": item.platform,
			"direction": item.direction,
			"kind": KIND_LABEL.get(item.kind, "Post"),
			"status": "Deleted",
			"external_id": item.external_id,
			"message_key": key,
			"author_id": item.author.user_id,
			"thread_key": item.thread_key,
			"deleted_on": now_datetime(),
			"inbound_event": ctx.event,
		}
	)
	row.flags.ignore_permissions = True
	try:
		row.db_insert()
	except frappe.DuplicateEntryError:
		return DUPLICATE
	return SKIPPED


def _apply_edit(existing, item: InboundItem) -> str:
	text = clean_text(item.text)
	frappe.db.set_value(
		"Social Message",
		existing.name,
		# edited_on is the platform's time of the edit: a late, older edit never overwrites a newer one
		{"text": text, "status": "Edited", "edited_on": to_system_time(item.created_at)},
		update_modified=False,
	)
	if existing.communication:
		frappe.db.set_value(
			"Communication",
			existing.communication,
			"content",
			to_html(text)
			+ media_html(existing.media)
			+ "<p><em>"
			+ frappe.utils.escape_html(frappe._("(edited on the platform)"))
			+ "</em></p>",
			update_modified=False,
		)
	return UPDATED


def _mark_deleted(existing, item: InboundItem) -> str:
	if existing.status == "Deleted":
		return DUPLICATE
	# never erase: the agent may still need what was said
	frappe.db.set_value(
		"Social Message",
		existing.name,
		{"status": "Deleted", "deleted_on": now_datetime()},
		update_modified=False,
	)
	if existing.communication:
		ref = frappe.db.get_value(
			"Communication", existing.communication, ["reference_doctype", "reference_name"]
		)
		if ref and ref[1]:
			frappe.get_doc(ref[0], ref[1]).add_comment(
				"Info", frappe._("The customer deleted a message on the platform; its text is kept here.")
			)
	return UPDATED
