"""Reply modes, purposes and statuses of a Social Reply: the one place that names them.

The Select options of Social Reply (mode, purpose, status) list the same words; reports, the
surveys and the desk read them from here (the desk through ``api.agent.composer_context``).
"""

from __future__ import annotations

from social_support.platforms.limits import DM, PRIVATE, PUBLIC  # the reply modes are named here too

# --- modes: where the words go -------------------------------------------------------------------
POST = "Post"  # a post of the channel's own (an incident status update), not tied to a ticket
LIKE, REPOST, HIDE = "Like", "Repost", "Hide"  # gestures on a customer's message: no text
# the only reasons a comment is hidden: spam, or a breach of a published community rule (named)
HIDE_SPAM, HIDE_RULE = "Spam", "Community Rule"
TEXT_MODES = (PUBLIC, DM, PRIVATE, POST)
GESTURES = (LIKE, REPOST, HIDE)
MODES = (*TEXT_MODES, *GESTURES)
PUBLIC_MODES = (PUBLIC, POST)  # seen by everyone: personal data is refused, "public" approval applies

# --- purposes: why ---------------------------------------------------------------------------------
REPLY = "Reply"
MOVE_TO_DM = "Move to DM"
THANK_PUBLICLY = "Thank Publicly"
ACKNOWLEDGEMENT = "Acknowledgement"
FOLLOW_UP = "Follow-up"
INCIDENT_ANSWER = "Incident Answer"
INCIDENT_UPDATE = "Incident Update"
SURVEY = "Survey"
PURPOSES = (
	REPLY,
	MOVE_TO_DM,
	THANK_PUBLICLY,
	ACKNOWLEDGEMENT,
	FOLLOW_UP,
	INCIDENT_ANSWER,
	INCIDENT_UPDATE,
	SURVEY,
	LIKE,
	REPOST,
	HIDE,
)
# written by the app from a template set by a manager: checked like any reply, pre-approved by policy
AUTOMATIC = (ACKNOWLEDGEMENT, FOLLOW_UP, SURVEY)
# built from a template for many tickets or channels: a failed check is recorded (Refused, with the
# reason on the ticket or incident) instead of stopping the others
TEMPLATED = (*AUTOMATIC, INCIDENT_ANSWER, INCIDENT_UPDATE)
# signed with the sending agent's signature (their own words)
SIGNED = (REPLY, MOVE_TO_DM, THANK_PUBLICLY, INCIDENT_ANSWER)
# an agent's answer on the ticket: a sent Communication (first response, SLA) and the ticket Replied
ANSWERS = (REPLY, MOVE_TO_DM, THANK_PUBLICLY, INCIDENT_ANSWER, FOLLOW_UP)
# not an agent's reply to a customer: left out of handling times and agent figures
NOT_AGENT_REPLIES = (ACKNOWLEDGEMENT, FOLLOW_UP, SURVEY, INCIDENT_UPDATE, LIKE, REPOST, HIDE)

# --- statuses --------------------------------------------------------------------------------------
DRAFT = "Draft"
PENDING = "Pending Approval"
APPROVED = "Approved"
SENDING = "Sending"
SENT = "Sent"
FAILED = "Failed"
REJECTED = "Rejected"
REFUSED = "Refused"  # an automatic or templated message that failed the checks: never sent
STATUSES = (DRAFT, PENDING, APPROVED, SENDING, SENT, FAILED, REJECTED, REFUSED)
SENDABLE = (APPROVED, SENDING)
CLOSED = (SENT, FAILED, REJECTED, REFUSED)
LIVE = (PENDING, APPROVED, SENDING, SENT)  # holds its once-key: the same action is not created again
