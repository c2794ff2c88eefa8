"""WhatsApp's rules on the way out: the 24-hour window, approved templates, the number's health.

Free-form replies go only inside the customer service window (24 hours from the customer's last
message), checked when the reply is written and again when it leaves (an approval can take a day);
outside it only an approved template of the channel's WhatsApp Business Account, synced into
Social WhatsApp Template, with the agent's values for its variables. Everything passes the gate.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from social_support.platforms.base import WHATSAPP, BadRequest, OutsideWindow, PlatformError
from social_support.platforms.whatsapp import rules

TEMPLATE = "Social WhatsApp Template"
_TEMPLATE_NAME = r"[a-z0-9_]{1,512}"
_LANGUAGE = r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,4})?"


# --- the window ----------------------------------------------------------------------------------
def last_customer_message(ticket: str, channel: str | None = None) -> datetime | None:
	filters = {"reference_name": ticket, "direction": "Inbound", "platform": WHATSAPP}
	if channel:
		filters["channel"] = channel
	last = frappe.db.get_value("Social Message", filters, "posted_on", order_by="posted_on desc")
	return get_datetime(last) if last else None


def _aware(dt: datetime) -> datetime:
	"""A system-time Datetime field as an aware value (the window is a duration: both sides alike)."""
	return dt.replace(tzinfo=timezone.utc)


def window(ticket: str, channel: str | None = None) -> dict:
	"""{open, seconds_left, label, last_message_on} of the ticket's customer service window."""
	last = last_customer_message(ticket, channel)
	left = rules.window_left(_aware(last), _aware(now_datetime())) if last else None
	return {
		"open": left is not None,
		"seconds_left": int(left.total_seconds()) if left else 0,
		"label": rules.describe_left(left),
		"last_message_on": last,
	}


def assert_window_open(ticket: str, channel: str | None = None) -> None:
	if not window(ticket, channel)["open"]:
		raise OutsideWindow(
			_(
				"WhatsApp's 24-hour customer service window is closed: the customer's last message is older than 24 hours. Send an approved template instead, or wait until the customer writes again."
			)
		)


# --- templates -----------------------------------------------------------------------------------
def template_of(name: str) -> rules.Template:
	row = frappe.db.get_value(
		TEMPLATE,
		name,
		["template_name", "language", "status", "category", "components", "template_id", "parameter_format"],
		as_dict=True,
	)
	if not row:
		raise BadRequest(
			_("WhatsApp template {0} does not exist (sync the channel's templates).").format(name)
		)
	return rules.Template(
		name=row.template_name,
		language=row.language,
		status=row.status,
		category=row.category,
		components=json.loads(row.components or "[]"),
		template_id=row.template_id,
		parameter_format=row.parameter_format or "POSITIONAL",
	)


def parse_values(values) -> dict[str, str]:
	if isinstance(values, str):
		values = json.loads(values or "{}")
	if not isinstance(values, dict):
		frappe.throw(_("Template values must be an object of variable: value."))
	return {str(k)[:80]: str(v if v is not None else "")[:2000] for k, v in values.items()}


def template_preview(channel: str, name: str, values) -> dict:
	"""The template as the customer will read it, what is missing, and whether it may be sent."""
	if frappe.db.get_value(TEMPLATE, name, "channel") != channel:
		frappe.throw(_("Template {0} is not a template of channel {1}.").format(name, channel))
	tpl = template_of(name)
	values = parse_values(values)
	problem = None
	try:
		rules.check_values(tpl, values)
	except BadRequest as e:
		problem = str(e)
	return {
		"text": rules.render(tpl.components, values),
		"variables": [
			rules.variable_key(kind, v)
			for kind, names in rules.variables(tpl.components).items()
			for v in names
		],
		"missing": rules.missing_values(tpl.components, values),
		"problem": problem,
		"approved": tpl.approved,
	}


def templates_for(channel: str) -> list[dict]:
	return frappe.get_all(
		TEMPLATE,
		filters={"channel": channel},
		fields=["name", "template_name", "language", "category", "status"],
		order_by="template_name asc, language asc",
	)


def sync_templates(channel: str, client=None) -> dict:
	"""Templates of the channel's WhatsApp Business Account, stored as WhatsApp reports them (added,
	updated, and removed when WhatsApp no longer lists them)."""
	import re

	from social_support.core.channels import channel_config
	from social_support.platforms import make_client

	client = client or make_client(channel_config(channel))
	try:
		templates = client.templates()
	except PlatformError as e:
		return {"ok": False, "error": str(e)}
	now = now_datetime()
	seen = set()
	counts = {"added": 0, "updated": 0, "removed": 0, "skipped": 0}
	for t in templates:
		if not re.fullmatch(_TEMPLATE_NAME, t.name) or not re.fullmatch(_LANGUAGE, t.language):
			counts["skipped"] += 1  # names come from outside: only WhatsApp's own shapes are stored
			continue
		values = {
			"category": t.category[:40],
			"status": t.status[:40],
			"parameter_format": t.parameter_format[:20],
			"template_id": (t.template_id or "")[:40] or None,
			"components": json.dumps(t.components, ensure_ascii=False)[:60_000],
			"preview": rules.render(t.components, {}),
			"last_synced_on": now,
		}
		name = frappe.db.get_value(
			TEMPLATE, {"channel": channel, "template_name": t.name, "language": t.language}
		)
		if name:
			doc = frappe.get_doc(TEMPLATE, name)
			doc.update(values)
			counts["updated"] += 1
		else:
			doc = frappe.get_doc(
				{
					"doctype": TEMPLATE,
					"channel": channel,
					"template_name": t.name,
					"language": t.language,
					**values,
				}
			)
			counts["added"] += 1
		doc.flags.social_internal = True
		doc.save(ignore_permissions=True)
		seen.add(doc.name)
	for name in frappe.get_all(TEMPLATE, filters={"channel": channel}, pluck="name"):
		if name not in seen:
			doc = frappe.get_doc(TEMPLATE, name)
			doc.flags.social_internal = True
			if frappe.db.exists("Social Channel", {"survey_template": name}) or frappe.db.exists(
				"Social Reply", {"whatsapp_template": name}
			):
				doc.db_set("status", "DELETED")  # kept for the replies that used it
			else:
				doc.delete(ignore_permissions=True)
			counts["removed"] += 1
	frappe.db.set_value("Social Channel", channel, "templates_synced_on", now, update_modified=False)
	return {"ok": True, **counts}


# --- sending -------------------------------------------------------------------------------------
def dispatch(client, reply):
	"""Send one WhatsApp reply: its template, or its text inside the window (checked now)."""
	if reply.whatsapp_template:
		template = template_of(reply.whatsapp_template)
		return client.send_template(
			reply.target_id, template, parse_values(reply.template_values), callback_data=reply.name
		)
	if reply.reference_doctype and reply.reference_doctype != "Social Message":
		assert_window_open(reply.reference_name, reply.channel)
	return client.send_dm(reply.target_id, reply.final_text, callback_data=reply.name)


def test_connection(doc, client) -> dict:
	"""The number's display phone number and quality rating, read and shown on the channel."""
	try:
		info = client.phone_number()
	except PlatformError as e:
		return {"ok": False, "error": str(e), "needs_reauthorization": e.needs_reauth}
	values = {
		"display_phone_number": (info.get("display_phone_number") or "")[:40] or None,
		"quality_rating": (info.get("quality_rating") or "")[:20] or None,
	}
	frappe.db.set_value("Social Channel", doc.name, values, update_modified=False)
	return {"ok": True, "streams": [], **values}
