"""WhatsApp's rules for the business's messages: the customer service window and message templates.

Free-form messages (text, media) may be sent only within 24 hours of the customer's last message;
outside it only an approved message template. A template's components hold its text with
variables, positional (``{{1}}``) or named (``{{first_name}}``, ``parameter_format: NAMED``); the
agent fills them, the preview shows the message as the customer will read it, and the send carries
the values as the template's parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..base import BadRequest, utc
from . import constants as c

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,60})\s*\}\}")


# --- the window --------------------------------------------------------------------------------
def window_left(last_customer_message_at: datetime | None, now: datetime) -> timedelta | None:
	"""Time left in the customer service window (None: closed, or the customer never wrote)."""
	if last_customer_message_at is None:
		return None
	left = utc(last_customer_message_at) + timedelta(hours=c.SERVICE_WINDOW_HOURS) - utc(now)
	return left if left > timedelta(0) else None


def in_window(last_customer_message_at: datetime | None, now: datetime) -> bool:
	return window_left(last_customer_message_at, now) is not None


def describe_left(left: timedelta | None) -> str:
	"""'5 h 12 min left' / 'closed' (for the composer)."""
	if left is None:
		return "closed"
	minutes = int(left.total_seconds() // 60)
	hours, minutes = divmod(minutes, 60)
	return f"{hours} h {minutes} min left" if hours else f"{minutes} min left"


# --- templates ---------------------------------------------------------------------------------
@dataclass
class Template:
	name: str
	language: str
	status: str
	category: str
	components: list[dict] = field(default_factory=list)
	template_id: str | None = None
	parameter_format: str = "POSITIONAL"

	@property
	def approved(self) -> bool:
		return self.status == c.TEMPLATE_APPROVED


def template_from_api(raw: dict) -> Template:
	"""One row of ``GET /{waba-id}/message_templates``."""
	return Template(
		name=str(raw.get("name") or ""),
		language=str(raw.get("language") or ""),
		status=str(raw.get("status") or ""),
		category=str(raw.get("category") or ""),
		components=[x for x in raw.get("components") or [] if isinstance(x, dict)],
		template_id=str(raw.get("id")) if raw.get("id") is not None else None,
		parameter_format=str(raw.get("parameter_format") or "POSITIONAL").upper(),
	)


def _text_components(components: list[dict]):
	for comp in components:
		kind = str(comp.get("type") or "").upper()
		if kind in ("HEADER", "BODY") and (kind == "BODY" or comp.get("format", "TEXT") == "TEXT"):
			yield kind, comp.get("text") or ""


def variables(components: list[dict]) -> dict[str, list[str]]:
	"""{"HEADER": [...], "BODY": [...]}: the variables of each text component, in order, once each."""
	out: dict[str, list[str]] = {}
	for kind, text in _text_components(components):
		seen: list[str] = []
		for name in _VARIABLE.findall(text):
			if name not in seen:
				seen.append(name)
		if seen:
			out[kind] = seen
	return out


def variable_key(component: str, name: str) -> str:
	"""How a variable is named in the values the agent fills: ``body.1``, ``header.first_name``."""
	return f"{component.lower()}.{name}"


def missing_values(components: list[dict], values: dict[str, str]) -> list[str]:
	return [
		variable_key(kind, name)
		for kind, names in variables(components).items()
		for name in names
		if not str(values.get(variable_key(kind, name)) or "").strip()
	]


def check_values(template: Template, values: dict[str, str]) -> None:
	"""Refuses a template that is not approved, an unfilled variable or a value WhatsApp refuses."""
	if not template.approved:
		raise BadRequest(
			f"template {template.name} ({template.language}) is {template.status or 'not approved'}: "
			"only approved templates can be sent"
		)
	missing = missing_values(template.components, values)
	if missing:
		raise BadRequest("fill every variable of the template: " + ", ".join(missing))
	for key, value in values.items():
		text = str(value or "")
		if len(text) > c.CHAR_LIMITS["template_parameter"]:
			raise BadRequest(f"{key} is longer than WhatsApp allows in a template variable")
		if "\n" in text or "\t" in text or "    " in text:
			# Meta refuses parameters with new lines, tabs or more than four spaces in a row
			raise BadRequest(f"{key}: a template variable cannot hold line breaks, tabs or runs of spaces")


def render(components: list[dict], values: dict[str, str]) -> str:
	"""The message as the customer will read it (header, body, footer, buttons as labels)."""
	lines: list[str] = []
	for comp in components:
		kind = str(comp.get("type") or "").upper()
		if kind in ("HEADER", "BODY"):
			if kind == "HEADER" and comp.get("format", "TEXT") != "TEXT":
				lines.append(f"[{str(comp.get('format')).lower()}]")
				continue
			text = _VARIABLE.sub(
				lambda m, k=kind: str(values.get(variable_key(k, m.group(1))) or m.group(0)),
				comp.get("text") or "",
			)
			lines.append(text)
		elif kind == "FOOTER":
			lines.append(comp.get("text") or "")
		elif kind == "BUTTONS":
			labels = [str(b.get("text") or "") for b in comp.get("buttons") or [] if isinstance(b, dict)]
			if labels:
				lines.append(" | ".join(f"[{label}]" for label in labels if label))
	return "\n".join(line for line in lines if line)


def send_components(template: Template, values: dict[str, str]) -> list[dict]:
	"""The ``template.components`` of the send call: each text component's parameters, in order."""
	out = []
	named = template.parameter_format == "NAMED"
	for kind, names in variables(template.components).items():
		params = []
		for name in names:
			param = {"type": "text", "text": str(values.get(variable_key(kind, name)) or "")}
			if named:
				param["parameter_name"] = name
			params.append(param)
		out.append({"type": kind.lower(), "parameters": params})
	return out
