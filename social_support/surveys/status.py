"""A survey's states, and the states of its link as the page sees it."""

SCHEDULED, SENT, ANSWERED, EXPIRED, SKIPPED = "Scheduled", "Sent", "Answered", "Expired", "Skipped"

# what a link token leads to: an open survey, nothing (unknown or never sent), an expired or a used one
OPEN, INVALID, EXPIRED_STATE, USED = "open", "invalid", "expired", "used"
