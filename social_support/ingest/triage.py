"""Triage: analysis of each inbound message, then the first matching Social Triage Rule decides.

Decisions: Create Ticket (with priority, type, tags, assignee), Log Only (kept as a Social
Message in the Social Inbox for an agent to decide), Mark Spam (kept, no ticket, no inbox).
Untargeted mentions (found by listening terms, not addressed to the account) go to the inbox
by default (Social Support Settings).
"""

from __future__ import annotations

from dataclasses import dataclass

import frappe

from social_support.analysis import Analysis, analyze
from social_support.analysis.rules import Facts, first_match

CREATE, LOG, SPAM = "Create Ticket", "Log Only", "Mark Spam"
NEEDS_DECISION, TICKET_CREATED, ATTACHED, NO_ACTION, IGNORED = (
	"Needs Decision",
	"Ticket Created",
	"Attached",
	"No Action Needed",
	"Ignored",  # an agent chose not to answer (a troll): closed without hiding and without a word
)
RULE_FIELDS = [
	"name",
	"sequence",
	"enabled",
	"platform",
	"channel",
	"conversation",
	"keywords",
	"regex",
	"languages",
	"sentiment",
	"intent",
	"urgency",
	"author",
	"min_followers",
	"action",
	"priority",
	"issue_type",
	"tags",
	"assign_to",
]


@dataclass
class Decision:
	analysis: Analysis
	action: str
	rule: dict | None
	untargeted: bool

	@property
	def fields(self) -> dict:
		a = self.analysis
		return {
			"language": a.language,
			"sentiment": a.sentiment,
			"intent": a.intent,
			"urgent": int(a.urgent),
			"pii": ", ".join(a.pii) or None,
			"untargeted": int(self.untargeted),
			"triage_rule": self.rule["name"] if self.rule else None,
			"triage_action": self.action,
		}


_rules_cache: dict[str, tuple[tuple, list[dict]]] = {}


def enabled_rules() -> list[dict]:
	"""The enabled rules in order. A burst asks for them per message: they are read again only when
	a rule was added, changed or removed since (one count and latest-change query, in any process)."""
	site = frappe.local.site
	stamp = tuple(frappe.db.sql("select count(*), max(modified) from `tabSocial Triage Rule`")[0])
	cached = _rules_cache.get(site)
	if cached and cached[0] == stamp:
		return cached[1]
	rules = frappe.get_all(
		"Social Triage Rule", filters={"enabled": 1}, fields=RULE_FIELDS, order_by="sequence asc, name asc"
	)
	_rules_cache[site] = (stamp, rules)
	return rules


def clear_rules_cache(*args, **kwargs) -> None:
	_rules_cache.pop(getattr(frappe.local, "site", None), None)


def is_untargeted(msg, stream: str | None, handle: str | None) -> bool:
	"""A listening hit: from the search stream, not a reply, and not addressing the account."""
	if stream != "search" or msg.parent_external_id:
		return False
	return not (handle and f"@{handle.lower()}" in (msg.text or "").lower())


def decide(
	msg,
	*,
	stream: str | None,
	platform: str,
	channel: str,
	private: bool,
	known_customer: bool,
	followers: int | None,
	handle: str | None,
	settings,
) -> Decision:
	analysis = analyze(msg.text or "")
	facts = Facts(
		platform=platform,
		channel=channel,
		private=private,
		text=msg.text or "",
		language=analysis.language,
		sentiment=analysis.sentiment,
		intent=analysis.intent,
		urgent=analysis.urgent,
		known_customer=known_customer,
		followers=followers,
	)
	rule = first_match(enabled_rules(), facts)
	untargeted = is_untargeted(msg, stream, handle)
	action = rule["action"] if rule else CREATE
	if (
		untargeted
		and action == CREATE
		and (settings.untargeted_mentions or "Log for Review") == "Log for Review"
	):
		action = LOG
	return Decision(analysis, action, rule, untargeted)


DEFAULT_RULES = [
	{
		"rule_name": "Spam is logged, not ticketed",
		"sequence": 10,
		"intent": "spam",
		"action": SPAM,
		"description": "Spam stays visible as a Social Message, never becomes a ticket.",
	},
	{
		"rule_name": "Urgent first",
		"sequence": 20,
		"urgency": "Urgent",
		"action": CREATE,
		"priority": "High",
		"tags": "urgent",
	},
	{
		"rule_name": "Complaints are high priority",
		"sequence": 30,
		"intent": "complaint",
		"action": CREATE,
		"priority": "High",
	},
	{
		"rule_name": "Praise: thank them",
		"sequence": 40,
		"intent": "praise",
		"action": CREATE,
		"priority": "Low",
		"tags": "thank them",
	},
]


def install_default_rules() -> None:
	for p in ("Low", "Medium", "High"):
		if not frappe.db.exists("Issue Priority", p):
			frappe.get_doc({"doctype": "Issue Priority", "name": p}).insert(ignore_permissions=True)
	if frappe.db.count("Social Triage Rule"):
		return  # the admin's rules are theirs: never re-added or overwritten
	for rule in DEFAULT_RULES:
		frappe.get_doc({"doctype": "Social Triage Rule", "enabled": 1, **rule}).insert(
			ignore_permissions=True
		)
