import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, flt, get_url, getdate, nowdate
from frappe.utils.password import get_decrypted_password

from social_support.core import usage
from social_support.core.channels import (
	META_PLATFORMS,
	SECRET_FIELDS,
	api_base_url_problem,
	bump_channel_version,
	graph_version,
	unavailable_actions,
)
from social_support.platforms.meta.versions import describe_version, normalize_version, version_status

WEBHOOK_METHOD = {
	"X": "social_support.api.webhooks.x",
	"Facebook": "social_support.api.webhooks.meta",
	"Instagram": "social_support.api.webhooks.meta",
	"WhatsApp": "social_support.api.webhooks.meta",
}


class SocialChannel(Document):
	@property
	def webhook_url(self) -> str | None:
		method = WEBHOOK_METHOD.get(self.platform)
		return get_url(f"/api/method/{method}") if method else None

	def onload(self):
		self._show_platform_rules()

	def validate(self):
		if flt(self.monthly_budget) < 0:
			frappe.throw(_("The monthly budget cannot be negative."))
		self._check_graph_api_version()
		self._show_platform_rules()
		self.account_id = (self.account_id or "").strip()
		self.account_handle = (self.account_handle or "").strip().lstrip("@") or None
		self.api_base_url = (self.api_base_url or "").strip().rstrip("/") or None
		self._check_api_base_url()
		self._check_posting_role()
		if cint(self.poll_interval_minutes) < 0:
			frappe.throw(_("Poll interval cannot be negative."))
		if self.platform == "X" and not self.account_id.isdigit():
			frappe.throw(_("The X account id is the numeric user id (not the @username)."))
		if self.platform == "WhatsApp":
			self._check_whatsapp_ids()
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
		self._check_one_channel_per_account()

	def on_update(self):
		bump_channel_version()

	def _check_whatsapp_ids(self):
		"""The phone number id and the business account id are numeric ids from WhatsApp Manager (a phone
		number typed in by mistake would never receive a webhook)."""
		self.business_account_id = (self.business_account_id or "").strip() or None
		if not self.account_id.isdigit() or len(self.account_id) > 25:
			frappe.throw(
				_(
					"The WhatsApp account id is the phone number id (a number shown under the phone number in WhatsApp Manager or on the app's API Setup page), not the phone number."
				)
			)
		if self.business_account_id and (
			not self.business_account_id.isdigit() or len(self.business_account_id) > 25
		):
			frappe.throw(
				_("The WhatsApp Business Account ID is a number (WhatsApp Manager > Account tools).")
			)
		if self.survey_template:
			tpl = frappe.db.get_value(
				"Social WhatsApp Template", self.survey_template, ["channel", "category"], as_dict=True
			)
			if not tpl or tpl.channel != self.name or tpl.category != "UTILITY":
				frappe.throw(_("The survey template must be a UTILITY template of this channel."))

	# --- what the platform allows -------------------------------------------------------------
	def _check_graph_api_version(self):
		if not (self.graph_api_version or "").strip():
			self.graph_api_version = None
			return
		try:
			self.graph_api_version = normalize_version(self.graph_api_version)
		except ValueError:
			frappe.throw(
				_("Graph API Version {0} is not a version: write it like v26.0, or leave it blank.").format(
					frappe.bold(escape_html(self.graph_api_version))
				),
				title=_("Graph API Version"),
			)
		status, until = version_status(self.graph_api_version, getdate(nowdate()))
		if self.platform in META_PLATFORMS and status == "expired":
			frappe.msgprint(
				_("Meta stopped serving Graph API {0} on {1}: choose a newer version.").format(
					self.graph_api_version, frappe.format(until, "Date")
				),
				indicator="orange",
				alert=True,
			)

	def _show_platform_rules(self):
		"""The Graph API version in use and the actions the platform refuses, shown on the form."""
		if self.platform in META_PLATFORMS:
			try:
				version = normalize_version(graph_version(self))
				self.graph_api_version_in_use = describe_version(version, getdate(nowdate()))
			except ValueError:
				self.graph_api_version_in_use = _("not a version: {0}").format(graph_version(self))
		else:
			self.graph_api_version_in_use = None
		actions = unavailable_actions(self)
		self.unavailable_actions = ", ".join(actions) or None
		if self.platform == "X" and self.name and not self.is_new():
			self.spent_this_month = usage.spent(self.name)
			self.budget_status = usage.describe(self.name, flt(self.monthly_budget))

	def on_trash(self):
		bump_channel_version()
		# its history stays (messages, tickets); only the poll cursors and synced templates go with it
		frappe.db.delete("Social Poll Cursor", {"channel": self.name})
		# a WhatsApp channel's synced templates are a copy of its business account's: they go too
		frappe.db.delete("Social WhatsApp Template", {"channel": self.name})

	def _secrets_changed(self) -> bool:
		return any(self._entered(field) for field in SECRET_FIELDS.get(self.platform, ()))

	def _entered(self, field: str) -> bool:
		"""A secret typed in with this save (a stored one reads back as asterisks)."""
		value = self.get(field)
		return bool(value) and set(value) != {"*"}

	# --- who may point the tokens where ---------------------------------------------------------
	def _check_api_base_url(self):
		"""The API Base URL is where every token of the channel is sent.

		Only System Managers set or change it; only the platforms' official hosts or this machine
		(the sandbox) unless the site allows any host; and a change on an existing channel needs
		every stored secret typed in again in the same save, so secrets saved for one host never
		go to another without someone who knows them saying so.
		"""
		before = self.get_doc_before_save()
		old = (before.api_base_url or None) if before else None
		if self.api_base_url == old:
			return
		if not _is_system_manager():
			frappe.throw(
				_(
					"Only a System Manager may set or change the API Base URL: the channel's tokens are sent to that address."
				),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
		problem = api_base_url_problem(self.api_base_url, self.platform)
		if problem:
			frappe.throw(
				_("API Base URL {0} is not accepted: {1}.").format(
					frappe.bold(escape_html(self.api_base_url)), escape_html(problem)
				)
				+ " "
				+ _(
					"Use the platform's official host, or this machine for the sandbox; a site that needs another host sets social_support_allow_any_api_host in its site config."
				),
				title=_("API Base URL not accepted"),
			)
		if before is None:
			return
		fields = dict.fromkeys(SECRET_FIELDS.get(before.platform, ()) + SECRET_FIELDS.get(self.platform, ()))
		missing = [
			self.meta.get_label(f)
			for f in fields
			if not self._entered(f)
			and get_decrypted_password(self.doctype, self.name, f, raise_exception=False)
		]
		if missing:
			frappe.throw(
				_(
					"Changing the API Base URL sends this channel's secrets to another host. Enter every secret again in the same save: {0}."
				).format(", ".join(_(label) for label in missing)),
				title=_("Enter the secrets again"),
			)

	def _check_posting_role(self):
		"""Who may reply from this channel is for Social Managers to decide, through any door."""
		if not self.has_value_changed("posting_role"):
			return
		if self.is_new() and self.posting_role == self.meta.get_field("posting_role").default:
			return
		if not _has_any_role("Social Manager", "System Manager"):
			frappe.throw(
				_("Only a Social Manager or System Manager may change the Posting Role of a channel."),
				frappe.PermissionError,
				title=_("Not permitted"),
			)

	def _check_one_channel_per_account(self):
		"""One enabled channel per platform and account: two would each open a ticket per message."""
		if not self.enabled or not self.account_id:
			return
		other = frappe.db.get_value(
			"Social Channel",
			{
				"platform": self.platform,
				"account_id": self.account_id,
				"enabled": 1,
				"name": ("!=", self.name or ""),
			},
			"name",
		)
		if other:
			frappe.throw(
				_(
					"Channel {0} already connects {1} account {2}. An account is connected by one enabled channel (two would turn every message into two tickets): edit {0}, or disable it before enabling this one."
				).format(frappe.bold(escape_html(other)), self.platform, escape_html(self.account_id)),
				title=_("Account already connected"),
			)


def _has_any_role(*roles: str) -> bool:
	return frappe.session.user == "Administrator" or bool(set(roles) & set(frappe.get_roles()))


def _is_system_manager() -> bool:
	return _has_any_role("System Manager")
