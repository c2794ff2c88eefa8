"""WhatsApp end to end: signed webhooks on the Meta endpoint -> tickets, one customer whatever the id
form, delivery statuses on the ticket, replies inside and outside the 24-hour window, templates,
never sent twice, surveys, reports; all through the sandbox's WhatsApp Cloud API over real HTTP."""

import json
import time

import frappe
from frappe.utils import add_days, now_datetime

from social_support.api import agent
from social_support.api.channel import sync_whatsapp_templates, test_connection
from social_support.outbound import whatsapp as wa_out
from social_support.outbound.gate import ReplyNotAllowed
from social_support.outbound.send import send_reply
from social_support.sandbox import whatsapp_api as wa
from social_support.social_support.report.social_volume import social_volume
from social_support.surveys import sending

from .utils import (
	AGENT,
	META_SECRET,
	ReplyCase,
	api_user,
	deliver_meta,
	events_of,
	make_channel,
	meta_signature,
	post_webhook,
	request,
	resolve,
	set_survey_settings,
	uid,
	work,
)


def phone() -> str:
	return "467" + uid()[:8]


class TestWhatsApp(ReplyCase):
	def setUp(self):
		super().setUp()
		self.api = self.sandbox.whatsapp
		self.channel = make_channel(
			"WhatsApp",
			wa.PHONE_NUMBER_ID,
			base_url=self.sandbox.url,
			name="WhatsApp " + uid(),
			business_account_id=wa.WABA_ID,
		)

	def deliver(self, payload):
		r = deliver_meta(payload)
		self.assertEqual(r.status_code, 200, r.get_data(as_text=True))
		work(self.channel.name)

	def customer_writes(self, number=None, text="Where is my order 5512?", at=None, **kw):
		number = number or phone()
		if number not in self.api.customers:
			self.api.add_customer(number, "Anna Berg")
		msg = self.api.customer_message(number, text=text, at=at, **kw)
		self.deliver(self.api.message_payload(msg["id"]))
		return number, frappe.get_doc("Social Message", {"message_key": f"{self.channel.name}:{msg['id']}"})

	# --- connect ----------------------------------------------------------------------------------
	def test_connection_shows_number_and_quality_and_templates_sync(self):
		result = test_connection(self.channel.name)
		self.assertTrue(result["ok"], result)
		doc = frappe.get_doc("Social Channel", self.channel.name)
		self.assertEqual((doc.display_phone_number, doc.quality_rating), (wa.DISPLAY_NUMBER, "GREEN"))
		self.assertEqual(doc.webhook_url.split("/api/method/")[1], "social_support.api.webhooks.meta")
		synced = sync_whatsapp_templates(self.channel.name)
		self.assertEqual((synced["ok"], synced["added"]), (True, 4))
		rows = {
			t.template_name: t
			for t in frappe.get_all(
				"Social WhatsApp Template",
				filters={"channel": self.channel.name},
				fields=["template_name", "status", "category", "preview"],
			)
		}
		self.assertEqual(rows["spring_sale"].status, "PAUSED")
		self.assertIn("Hello {{1}}", rows["order_update"].preview)
		# synced again: nothing new; a template WhatsApp no longer lists goes away
		self.api.templates[wa.WABA_ID] = [
			t for t in self.api.templates[wa.WABA_ID] if t["name"] != "old_notice"
		]
		from social_support import tasks

		tasks.sync_whatsapp_templates()  # the daily job does the same
		self.assertFalse(
			frappe.db.exists(
				"Social WhatsApp Template", {"channel": self.channel.name, "template_name": "old_notice"}
			)
		)
		self.assertEqual(frappe.db.count("Social WhatsApp Template", {"channel": self.channel.name}), 3)
		self.sandbox.whatsapp.revoke_token("page-token")
		self.assertFalse(test_connection(self.channel.name)["ok"])
		# the synced templates go with their channel
		frappe.delete_doc("Social Channel", self.channel.name, force=True, ignore_permissions=True)
		self.assertEqual(frappe.db.count("Social WhatsApp Template", {"channel": self.channel.name}), 0)

	def test_webhook_handshake_and_signature(self):
		r = request(
			"GET",
			"/api/method/social_support.api.webhooks.meta",
			query={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "4242"},
		)
		self.assertEqual((r.status_code, r.get_data(as_text=True)), (200, "4242"))
		self.api.add_customer("46700000001", "Eve")
		msg = self.api.customer_message("46700000001", text="injected")
		body = json.dumps(self.api.message_payload(msg["id"])).encode()
		bad = post_webhook("meta", body, meta_signature(body, "not-the-secret"), "X-Hub-Signature-256")
		self.assertEqual(bad.status_code, 403)
		# (the sandbox's message ids repeat across tests: look on this channel only)
		self.assertFalse(
			frappe.db.exists("Social Message", {"channel": self.channel.name, "external_id": msg["id"]})
		)
		self.assertEqual(events_of(self.channel.name), [])
		other = make_channel(
			"WhatsApp",
			"3999",
			base_url=self.sandbox.url,
			name="WhatsApp other " + uid(),
			secret="another-app-secret",
			business_account_id="3999",
		)
		ok = post_webhook("meta", body, meta_signature(body, META_SECRET), "X-Hub-Signature-256")
		self.assertEqual(ok.status_code, 200)
		self.assertEqual(len(events_of(self.channel.name)), 1)
		self.assertEqual(events_of(other.name), [])  # routed by phone number id, to the signer's channel

	# --- ticketing --------------------------------------------------------------------------------
	def test_message_becomes_a_ticket_and_the_contact_gets_the_number(self):
		number, msg = self.customer_writes()
		self.assertEqual((msg.platform, msg.kind, msg.thread_key), ("WhatsApp", "DM", f"dm:{number}"))
		issue = frappe.get_doc("Issue", msg.reference_name)
		self.assertEqual(issue.social_platform, "WhatsApp")
		profile = frappe.get_doc("Social Profile", msg.social_profile)
		self.assertEqual((profile.user_id, profile.phone), (number, number))
		contact = frappe.get_doc("Contact", profile.contact)
		self.assertIn("+" + number, [p.phone for p in contact.phone_nos])
		self.assertEqual(contact.mobile_no, "+" + number)
		# a second message joins the ticket; the number is not added twice
		_n, second = self.customer_writes(number, text="any news?")
		self.assertEqual(second.reference_name, issue.name)
		self.assertEqual(len(frappe.get_doc("Contact", profile.contact).phone_nos), 1)

	def test_every_kind_of_message_in_one_delivery_lands_on_the_ticket(self):
		number = phone()
		self.api.add_customer(number, "Kim Lee")
		media_id = self.api.add_media(b"jpg", "image/jpeg")
		ids = [
			self.api.customer_message(number, text="hello")["id"],
			self.api.customer_message(
				number, "image", body={"id": media_id, "mime_type": "image/jpeg", "caption": "broken"}
			)["id"],
			self.api.customer_message(
				number, "document", body={"id": media_id, "mime_type": "application/pdf", "filename": "i.pdf"}
			)["id"],
			self.api.customer_message(
				number, "audio", body={"id": media_id, "mime_type": "audio/ogg", "voice": True}
			)["id"],
			self.api.customer_message(
				number, "location", body={"latitude": 1.5, "longitude": 2.5, "name": "Shop"}
			)["id"],
			self.api.customer_message(
				number,
				"interactive",
				body={"type": "button_reply", "button_reply": {"id": "y", "title": "Yes please"}},
			)["id"],
			self.api.customer_message(
				number, "reaction", body={"message_id": "wamid.HBgLOURS", "emoji": "👍"}
			)["id"],
			self.api.customer_message(number, "hologram", body={"shape": "<script>x</script>"})["id"],
		]
		payload = self.api.message_payload(*ids)
		# the same delivery carries a second entry for this number: every entry and change is read
		payload["entry"].append(json.loads(json.dumps(payload["entry"][0])))
		payload["entry"][1]["changes"][0]["value"]["messages"] = payload["entry"][1]["changes"][0]["value"][
			"messages"
		][-1:]
		payload["entry"][0]["changes"][0]["value"]["messages"] = payload["entry"][0]["changes"][0]["value"][
			"messages"
		][:-1]
		self.deliver(payload)
		rows = frappe.get_all(
			"Social Message",
			filters={"channel": self.channel.name},
			fields=["external_id", "text", "reference_name"],
			order_by="posted_on asc, creation asc",
		)
		self.assertEqual({r.external_id for r in rows}, set(ids))
		self.assertEqual(len({r.reference_name for r in rows}), 1)
		texts = {r.external_id: r.text for r in rows}
		self.assertEqual(texts[ids[1]], "broken")
		self.assertEqual(texts[ids[4]], "Location: Shop (1.5, 2.5)")
		self.assertEqual(texts[ids[5]], "Yes please")
		self.assertEqual(texts[ids[6]], "Reacted 👍")
		self.assertIn("type 'hologram'", texts[ids[7]])
		self.assertIn("<script>x</script>", texts[ids[7]])  # kept as written, in a Code field
		self.assertEqual(events_of(self.channel.name)[0].status, "Processed")

	def test_media_by_id_is_downloaded_into_a_private_file_on_the_ticket(self):
		from social_support.ingest import media as media_job

		frappe.db.set_value("Social Channel", self.channel.name, "download_media", 1)
		png = b"\x89PNG\r\n\x1a\n" + b"p" * 300
		number = phone()
		self.api.add_customer(number, "Kim Lee")
		media_id = self.api.add_media(png, "image/png")
		msg = self.api.customer_message(
			number, "image", body={"id": media_id, "mime_type": "image/png", "caption": "the lid"}
		)
		self.deliver(self.api.message_payload(msg["id"]))
		message = frappe.get_doc("Social Message", {"message_key": f"{self.channel.name}:{msg['id']}"})
		(row,) = json.loads(message.media)
		self.assertEqual((row["kind"], row["media_id"], row.get("url")), ("image", media_id, None))
		(row,) = media_job.download(message.name)  # what the worker runs
		self.assertFalse(row.get("error"), row)
		file = frappe.get_doc("File", row["file"])
		self.assertEqual(
			(file.attached_to_name, file.is_private, file.get_content()), (message.reference_name, 1, png)
		)
		# WhatsApp was asked with the number's token, for the id and then for the bytes
		asked = [r for r in self.sandbox.requests if media_id in r.path]
		self.assertEqual(len(asked), 2)
		self.assertTrue(all(r.headers.get("authorization", "").startswith("Bearer ") for r in asked))
		content = frappe.db.get_value("Communication", message.communication, "content")
		self.assertIn(f'<img src="{file.file_url}"', content)

	def test_one_customer_when_the_id_form_changes(self):
		number = phone()
		bsuid = "SE." + uid()
		self.api.add_customer(number, "Ola Nordmann")
		_n, first = self.customer_writes(number)  # before business-scoped ids: the number only
		# now WhatsApp sends the BSUID with the number, then (a username) the BSUID alone
		self.api.add_customer(number, "Ola Nordmann", user_id=bsuid, username="ola.n")
		_n, second = self.customer_writes(bsuid, text="still waiting")
		_n, third = self.customer_writes(bsuid, text="hello?", hide_phone=True)
		self.assertEqual(
			{first.social_profile, second.social_profile, third.social_profile}, {first.social_profile}
		)
		self.assertEqual(
			{first.reference_name, second.reference_name, third.reference_name}, {first.reference_name}
		)
		profile = frappe.get_doc("Social Profile", first.social_profile)
		self.assertEqual((profile.phone, profile.scoped_user_id, profile.handle), (number, bsuid, "ola.n"))
		# a customer who never shared a number is filed by BSUID
		stranger = "BR." + uid()
		self.api.add_customer(None, "Maria", user_id=stranger)
		_n, msg = self.customer_writes(stranger, text="oi")
		self.assertEqual(msg.thread_key, f"dm:{stranger}")

	# --- replies and statuses ---------------------------------------------------------------------
	def test_reply_inside_the_window_with_statuses_on_the_ticket(self):
		number, msg = self.customer_writes()
		ctx = self.composer(msg.reference_name)
		self.assertTrue(ctx["whatsapp"]["window"]["open"])
		self.assertGreater(ctx["whatsapp"]["window"]["seconds_left"], 23 * 3600)
		self.assertEqual(ctx["limits"], {"Direct Message": 4096})
		r = self.send_as(AGENT, msg.reference_name, "We are on it.")
		self.assertEqual(send_reply(r["name"]), "Sent")
		sent = self.api.sent[-1]
		self.assertEqual((sent["body"]["to"], sent["body"]["type"]), (number, "text"))
		self.assertTrue(sent["body"]["text"]["body"].startswith("We are on it."))
		self.assertEqual(sent["biz_opaque_callback_data"], r["name"])
		reply = frappe.get_doc("Social Reply", r["name"])
		self.api.advance(reply.external_id, "delivered", "read")
		self.deliver(self.api.status_payload(reply.external_id))
		out = frappe.get_doc("Social Message", reply.social_message)
		self.assertEqual(out.delivery_status, "read")
		self.assertEqual(frappe.db.get_value("Communication", reply.communication, "delivery_status"), "Read")
		self.assertEqual(frappe.db.get_value("Social Reply", reply.name, "delivery_status"), "read")
		# a late "delivered" never moves it back
		self.api.advance(reply.external_id, "delivered")
		self.deliver(self.api.status_payload(reply.external_id))
		self.assertEqual(frappe.db.get_value("Social Message", out.name, "delivery_status"), "read")

	def test_outside_the_window_only_an_approved_template(self):
		_number, msg = self.customer_writes(at=time.time() - 2 * wa.DAY)
		ticket = msg.reference_name
		sync_whatsapp_templates(self.channel.name)
		ctx = self.composer(ticket)
		self.assertFalse(ctx["whatsapp"]["window"]["open"])
		self.assertEqual(len(ctx["whatsapp"]["templates"]), 4)
		with self.assertRaises(ReplyNotAllowed):
			self.send_as(AGENT, ticket, "Sorry for the wait")
		order = self.template("order_update")
		frappe.set_user(AGENT)
		try:
			preview = agent.preview_template(ticket, order, {"body.1": "Anna"})
			self.assertEqual(preview["missing"], ["header.1", "body.2"])
			with self.assertRaises(frappe.ValidationError):
				agent.reply_with_template(ticket, order, {"body.1": "Anna"})
			with self.assertRaises(frappe.ValidationError):
				agent.reply_with_template(ticket, self.template("spring_sale"), {"body.1": "x"})
			values = {"header.1": "5512", "body.1": "Anna", "body.2": "5512"}
			r = agent.reply_with_template(ticket, order, json.dumps(values))
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(
			r["final_text"].splitlines()[1],
			"Hello Anna, about your order 5512: we have news. Reply to continue.",
		)
		self.assertEqual(send_reply(r["name"]), "Sent")
		body = self.api.sent[-1]["body"]
		self.assertEqual(body["type"], "template")
		self.assertEqual(body["template"]["name"], "order_update")
		self.assertEqual(body["template"]["components"][1]["parameters"][1], {"type": "text", "text": "5512"})
		(status,) = self.api.statuses[self.api.sent[-1]["id"]]
		self.assertEqual(status["status"], "sent")

	def test_window_closing_after_approval_fails_the_send_with_the_reason(self):
		_n, msg = self.customer_writes()
		r = self.send_as(AGENT, msg.reference_name, "Checking now")
		# the customer's last message grows old while the reply waits
		frappe.db.set_value("Social Message", msg.name, "posted_on", add_days(now_datetime(), -2))
		self.assertEqual(send_reply(r["name"]), "Failed")
		self.assertIn("24-hour", frappe.db.get_value("Social Reply", r["name"], "error"))
		self.assertEqual(len(self.api.sent), 0)

	def test_undeliverable_number_is_explained_on_the_ticket(self):
		number, msg = self.customer_writes()
		self.api.undeliverable.add(number)
		r = self.send_as(AGENT, msg.reference_name, "Hello again")
		self.assertEqual(send_reply(r["name"]), "Sent")  # accepted; WhatsApp reports the failure later
		self.deliver(self.api.status_payload())
		reply = frappe.get_doc("Social Reply", r["name"])
		self.assertEqual(reply.delivery_status, "failed")
		self.assertIn("could not deliver", reply.error)
		comments = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "Issue",
				"reference_name": msg.reference_name,
				"comment_type": "Info",
			},
			pluck="content",
		)
		self.assertTrue(any("could not deliver" in c for c in comments), comments)
		self.assertEqual(
			frappe.db.get_value("Communication", reply.communication, "delivery_status"), "Error"
		)

	def test_never_sent_twice_when_the_answer_is_lost(self):
		_n, msg = self.customer_writes()
		r = self.send_as(AGENT, msg.reference_name, "On it")
		self.sandbox.inject("drop_after", path=r"/3001/messages$", method="POST")
		self.assertEqual(send_reply(r["name"]), "Sending")  # WhatsApp took it; the answer was lost
		self.assertEqual(send_reply(r["name"]), "Failed")  # no history to look in: never a second send
		self.assertEqual(len(self.api.sent), 1)
		# its status names the reply (callback data): it is Sent after all, on the ticket
		self.deliver(self.api.status_payload())
		reply = frappe.get_doc("Social Reply", r["name"])
		self.assertEqual((reply.status, reply.external_id), ("Sent", self.api.sent[0]["id"]))
		self.assertTrue(reply.communication)

	# --- surveys ------------------------------------------------------------------------------------
	def test_surveys_inside_the_window_outside_with_the_template_else_skipped(self):
		set_survey_settings()
		_n, inside = self.customer_writes()
		resolve(inside.reference_name)
		sending.send_due()
		survey = frappe.get_doc("Social Survey", {"reference_name": inside.reference_name})
		self.assertEqual((survey.status, survey.delivery), ("Sent", "Direct Message"))
		self.assertIn("/social-survey?token=", self.api.sent[-1]["body"]["text"]["body"])

		_n, late = self.customer_writes(at=time.time() - 2 * wa.DAY)
		resolve(late.reference_name)
		sending.send_due()
		skipped = frappe.get_doc("Social Survey", {"reference_name": late.reference_name})
		self.assertEqual(skipped.status, "Skipped")
		self.assertIn("no survey template", skipped.skip_reason)

		sync_whatsapp_templates(self.channel.name)
		channel = frappe.get_doc("Social Channel", self.channel.name)
		channel.survey_template = self.template("survey_invite")
		channel.save(ignore_permissions=True)
		_n, later = self.customer_writes(at=time.time() - 2 * wa.DAY)
		resolve(later.reference_name)
		sending.send_due()
		survey = frappe.get_doc("Social Survey", {"reference_name": later.reference_name})
		self.assertEqual(survey.status, "Sent")
		body = self.api.sent[-1]["body"]
		self.assertEqual(body["template"]["name"], "survey_invite")
		(param,) = body["template"]["components"][0]["parameters"]
		self.assertEqual(param["parameter_name"], "survey_link")
		self.assertIn("/social-survey?token=", param["text"])

	# --- reports and doors --------------------------------------------------------------------------
	def test_reports_include_whatsapp(self):
		self.customer_writes()
		self.customer_writes()
		_cols, data, *_ = social_volume.execute({"platform": "WhatsApp", "channel": self.channel.name})
		self.assertEqual(sum(row["inbound"] for row in data), 2)
		_cols, none, *_ = social_volume.execute({"platform": "Instagram", "channel": self.channel.name})
		self.assertEqual(sum(row["inbound"] for row in none), 0)

	def test_triage_rules_and_analysis_apply_to_whatsapp(self):
		rule = frappe.get_doc(
			{
				"doctype": "Social Triage Rule",
				"rule_name": "Test WhatsApp refunds " + uid(),
				"sequence": 1,
				"platform": "WhatsApp",
				"keywords": "refund",
				"action": "Create Ticket",
				"priority": "High",
			}
		).insert(ignore_permissions=True)
		self.addCleanup(
			frappe.delete_doc, "Social Triage Rule", rule.name, force=True, ignore_permissions=True
		)
		frappe.db.commit()
		_n, msg = self.customer_writes(text="I want a refund for order 5512, it arrived broken")
		self.assertEqual(msg.triage_rule, rule.name)
		self.assertEqual(frappe.db.get_value("Issue", msg.reference_name, "priority"), "High")
		self.assertEqual(msg.language, "en")

	def test_templates_are_written_only_by_the_sync(self):
		sync_whatsapp_templates(self.channel.name)
		name = self.template("order_update")
		for user in (
			api_user("wa.agent.social@example.com", "Social Agent"),
			api_user("wa.manager.social@example.com", "Social Manager", "System Manager"),
		):
			r = request(
				"PUT",
				f"/api/resource/Social WhatsApp Template/{name}",
				data=json.dumps({"status": "APPROVED", "components": "[]"}).encode(),
				headers={"Authorization": user},
			)
			self.assertIn(r.status_code, (403, 417), r.get_data(as_text=True))
		self.assertNotEqual(frappe.db.get_value("Social WhatsApp Template", name, "components"), "[]")

	# --- helpers ------------------------------------------------------------------------------------
	def composer(self, ticket):
		frappe.set_user(AGENT)
		try:
			return agent.composer_context(ticket)
		finally:
			frappe.set_user("Administrator")

	def template(self, name):
		return frappe.db.get_value(
			"Social WhatsApp Template", {"channel": self.channel.name, "template_name": name}
		)
