"""Agent replies on a ticket, and approving or rejecting what waits.

Every outbound item is created by ``gate.submit`` (route, compose, checks, policy, once, send);
``create`` is the agent's reply on a ticket through it. Statuses (``constants``): Pending Approval
-> Approved -> Sending -> Sent | Failed; or Rejected; automatic messages that fail the checks are
Refused. Approving and rejecting live in ``approval`` (distinct approvers, the approved text's
hash, re-checked by ``approval.assert_sendable`` right before any platform call).
"""

from __future__ import annotations

from . import gate
from .approval import approve, reject
from .constants import REPLY

__all__ = ["approve", "create", "reject"]


def create(
	ticket_name: str,
	text: str,
	private: bool = False,
	in_reply_to: str | None = None,
	communication: str | None = None,
	purpose: str = REPLY,
	incident: str | None = None,
	once_key: str | None = None,
	whatsapp_template: str | None = None,
	template_values: dict | None = None,
	image: str | None = None,
) -> dict:
	"""A reply on a ticket (by the agent in session, or the app for automatic purposes); on WhatsApp
	outside the 24-hour window, an approved template with its values instead of free text; ``image``:
	the URL of one of the ticket's image files, where the platform allows one."""
	route = gate.ticket_route(ticket_name, bool(private), in_reply_to)
	return gate.submit(
		purpose,
		text,
		route=route,
		incident=incident,
		communication=communication,
		once_key=once_key,
		whatsapp_template=whatsapp_template,
		template_values=template_values,
		image=image,
	)
