import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, get_url

from social_support.ingest.channels import SECRET_FIELDS, bump_channel_version

WEBHOOK_METHOD = {
	"X": "social_support.api.webhooks.x",
	"Facebook": "social_support.api.webhooks.meta",
	"Instagram": "social_support.api.webhooks.meta",
}


class SocialChannel(Document):
	@property
	def webhook_url(self) -> str | None:
		method = WEBHOOK_METHOD.get(self.platform)
		return get_url(f"/api/method/{method}") if method else None

	def validate(self):
		self.account_id = (self.account_id or "").strip()
		self.account_handle = (self.account_handle or "").strip().lstrip("@") or None
		self.api_base_url = (self.api_base_url or "").strip().rstrip("/") or None
		if self.api_base_url and not self.api_base_url.startswith(("http://", "https://")):
			frappe.throw(_("API Base URL must start with http:// or https://"))
		if cint(self.poll_interval_minutes) < 0:
			frappe.throw(_("Poll interval cannot be negative."))
		if self.platform == "X" and not self.account_id.isdigit():
			frappe.throw(_("The X account id is the numeric user id (not the @username)."))
		if self._secrets_changed():
			# new credentials: give the channel another chance and notify again if they fail too
			self.needs_reauthorization = 0
			self.reauth_notified = 0
			self.backoff_until = None
			self.status = "Active"
		if not self.enabled:
			self.status = "Disabled"
		elif self.status == "Disabled":
			self.status = "Active"

	def on_update(self):
		bump_channel_version()

	def on_trash(self):
		bump_channel_version()
		# its history stays (messages, tickets); only the poll cursors go with it
		frappe.db.delete("Social Poll Cursor", {"channel": self.name})

	def _secrets_changed(self) -> bool:
		for field in SECRET_FIELDS.get(self.platform, ()):
			value = self.get(field)
			if value and set(value) != {"*"}:
				return True
		return False
