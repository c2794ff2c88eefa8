"""Media on the ticket: recorded on the Social Message and shown on the timeline, downloaded into
private Files by the job when the channel says so (limits, wrong host, too big, wrong type), and an
image on a reply through approval, all against the sandbox over HTTP."""

import json
import time
from unittest.mock import patch

import frappe

from social_support.ingest import media as media_job
from social_support.ingest.poll import poll_channel
from social_support.outbound.send import send_reply
from social_support.platforms.base import dm_thread_key

from .utils import AGENT, APPROVER, ReplyCase, make_channel, request, set_policy, uid

PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 300
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + b"q" * 300
PDF = b"%PDF-1.7\n" + b"d" * 300
HTML = b"<html><script>alert(1)</script></html>"


class TestMedia(ReplyCase):
	def setUp(self):
		super().setUp()
		settings = frappe.get_single("Social Support Settings")
		self.addCleanup(
			frappe.db.set_single_value,
			"Social Support Settings",
			{"media_max_mb": settings.media_max_mb, "media_allowed_types": settings.media_allowed_types},
		)
		frappe.db.set_single_value(
			"Social Support Settings",
			{"media_max_mb": 1, "media_allowed_types": "image/png\nimage/jpeg\napplication/pdf"},
		)
		frappe.clear_document_cache("Social Support Settings", "Social Support Settings")

	def messenger(self, parts, text="", download=0):
		channel = make_channel(
			"Facebook",
			"1001",
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name="Media FB " + uid(),
			download_media=download,
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan")
		m = self.sandbox.graph.message("1001", fan, text, attachments=parts)
		queued = []
		real = frappe.enqueue

		def record(method, **kw):
			queued.append((method, kw))
			if method != "social_support.ingest.media.download":
				return real(method, **kw)

		with patch.object(media_job.frappe, "enqueue", side_effect=record):
			poll_channel(channel.name)
		msg = frappe.get_doc("Social Message", {"message_key": f"{channel.name}:{m['id']}"})
		return channel, msg, [q for q in queued if q[0] == "social_support.ingest.media.download"]

	def test_media_is_recorded_and_shown_on_the_ticket_without_downloading_by_default(self):
		g = self.sandbox.graph
		photo, pdf = (
			g.attachment("image", PNG, "image/png"),
			g.attachment("file", PDF, "application/pdf", "inv.pdf"),
		)
		_channel, msg, queued = self.messenger([photo, pdf], text="see https://evil.example/x.png <b>")
		rows = json.loads(msg.media)
		self.assertEqual(
			[(r["kind"], r["url"]) for r in rows], [("image", photo["url"]), ("document", pdf["url"])]
		)
		self.assertEqual(queued, [])  # Download Media is off by default
		content = frappe.db.get_value("Communication", msg.communication, "content")
		# the desk loads nothing from outside on its own: remote media are links, never <img>
		self.assertNotIn("<img", content)
		self.assertIn(f'href="{photo["url"]}"', content)
		self.assertIn(f'href="{pdf["url"]}"', content)
		self.assertIn("inv.pdf", content)
		self.assertNotIn('<img src="https://evil.example', content)  # a link in the text stays a link
		self.assertIn("&lt;b&gt;", content)
		self.assertFalse(frappe.get_all("File", {"attached_to_name": msg.reference_name}))

	def test_the_download_job_keeps_what_fits_and_records_why_the_rest_was_not_kept(self):
		g = self.sandbox.graph
		parts = [
			g.attachment("image", PNG, "image/png"),
			g.attachment("file", PDF, "application/pdf", "invoice.pdf"),
			g.attachment("video", b"\x00\x00\x00\x18ftypmp42" + b"v" * 100, "video/mp4"),  # type not allowed
			g.attachment("image", b"\xff\xd8\xff" + b"j" * (1024 * 1024 + 10), "image/jpeg"),  # over 1 MB
			g.attachment("image", HTML, "image/png"),  # says PNG, is HTML
		]
		channel, msg, queued = self.messenger(parts, download=1)
		((_method, kw),) = queued
		self.assertEqual(
			(kw["message"], kw["job_id"], kw["enqueue_after_commit"]),
			(msg.name, f"social_support:media:{msg.name}", True),
		)
		rows = media_job.download(msg.name)  # what the worker runs
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Issue", "attached_to_name": msg.reference_name},
			fields=["name", "file_url", "is_private", "file_name"],
			order_by="creation asc",
		)
		self.assertEqual([f.is_private for f in files], [1, 1])
		self.assertEqual(frappe.get_doc("File", files[0].name).get_content(), PNG)
		self.assertEqual(files[1].file_name, "invoice.pdf")
		self.assertEqual([r.get("file") for r in rows[:2]], [f.name for f in files])
		self.assertIn("not among the allowed", rows[2]["error"])
		self.assertIn("limit", rows[3]["error"])
		self.assertIn("no known type", rows[4]["error"])
		stored = json.loads(frappe.db.get_value("Social Message", msg.name, "media"))
		self.assertEqual(stored, rows)
		content = frappe.db.get_value("Communication", msg.communication, "content")
		self.assertIn(f'<img src="{files[0].file_url}"', content)  # the preview is the site's own file now
		# failures are the message's, never the channel's
		ch = frappe.db.get_value(
			"Social Channel", channel.name, ["status", "last_error", "backoff_until"], as_dict=True
		)
		self.assertFalse(ch.last_error or ch.backoff_until)
		# a second run downloads nothing twice
		media_job.download(msg.name)
		self.assertEqual(len(frappe.get_all("File", {"attached_to_name": msg.reference_name})), 2)

	def test_wrong_hosts_are_never_downloaded(self):
		g = self.sandbox.graph
		channel, msg, _queued = self.messenger([g.attachment("image", PNG, "image/png")], download=1)
		local = json.loads(msg.media)[0]["url"]
		# a stored row pointing elsewhere (an older row, a hand edit) is refused by the job itself
		frappe.db.set_value(
			"Social Message",
			msg.name,
			"media",
			json.dumps([{"kind": "image", "url": "https://evil.example/a.png"}]),
		)
		(row,) = media_job.download(msg.name)
		self.assertIn("media hosts", row["error"])
		content = frappe.db.get_value("Communication", msg.communication, "content")
		self.assertNotIn("evil.example", content)  # a stored row is not a link the desk shows
		# the sandbox's media host counts only while the channel's API base URL is the sandbox
		frappe.db.set_value("Social Channel", channel.name, "api_base_url", "https://graph.facebook.com")
		frappe.db.set_value(
			"Social Message", msg.name, "media", json.dumps([{"kind": "image", "url": local}])
		)
		frappe.clear_document_cache("Social Channel", channel.name)
		(row,) = media_job.download(msg.name)
		self.assertIn("media hosts", row["error"])
		self.assertFalse(frappe.get_all("File", {"attached_to_name": msg.reference_name}))
		self.assertFalse(
			[r for r in self.sandbox.requests_to("/_media/") if r.path.endswith(local.rsplit("/", 1)[-1])][1:]
		)

	def image_on(self, ticket, data=None, name=None):
		data = data or PNG + uid().encode()  # unique bytes: Frappe shares one file among equal contents
		f = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": name or f"answer-{uid()}.png",
				"attached_to_doctype": "Issue",
				"attached_to_name": ticket,
				"is_private": 1,
				"content": data,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return f

	def test_a_reply_with_an_image_goes_through_approval_and_out_once(self):
		set_policy(approve_public=1)
		_channel, ticket, tweet = self.x_ticket()
		image = self.image_on(ticket)
		frappe.set_user(AGENT)
		from social_support.api import agent

		ctx = agent.composer_context(ticket)
		frappe.set_user("Administrator")
		self.assertIn({"value": image.file_url, "label": image.file_name}, ctx["images"])
		self.assertIsNone(ctx["image_refusals"]["Public Reply"])
		r = self.send_as(AGENT, ticket, "Here is where the label is", image=image.file_url)
		self.assertEqual(r["status"], "Pending Approval")
		reply = frappe.get_doc("Social Reply", r["name"])
		self.assertEqual(reply.image, image.file_url)  # the approver sees the image on the reply
		frappe.set_user(APPROVER)
		self.assertEqual(agent.approve_reply(r["name"])["status"], "Approved")
		frappe.set_user("Administrator")
		self.assertEqual(send_reply(r["name"]), "Sent")
		self.assertEqual(send_reply(r["name"]), "Sent")  # never twice
		tweets = [t for t in self.sandbox.x.sent_tweets() if t.get("attachments")]
		self.assertEqual(len(tweets), 1)
		(key,) = tweets[0]["attachments"]["media_keys"]
		self.assertEqual(self.sandbox.media_files[f"x/{key}"][0], image.get_content())
		self.assertEqual(len(self.sandbox.requests_to("/2/media/upload", "POST")), 1)
		self.assertEqual(
			self.sandbox.requests_to(r"^/2/tweets$", "POST")[-1].json()["reply"]["in_reply_to_tweet_id"],
			tweet["id"],
		)

	def test_an_image_changed_after_approval_is_not_sent(self):
		set_policy(approve_public=1)
		_channel, ticket, _tweet = self.x_ticket()
		image = self.image_on(ticket)
		r = self.send_as(AGENT, ticket, "This one", image=image.file_url)
		frappe.set_user(APPROVER)
		from social_support.api import agent

		agent.approve_reply(r["name"])
		frappe.set_user("Administrator")
		with open(frappe.get_doc("File", image.name).get_full_path(), "wb") as fh:
			fh.write(OTHER_PNG)
		self.assertEqual(send_reply(r["name"]), "Failed")
		self.assertIn(
			"not the image that was approved", frappe.db.get_value("Social Reply", r["name"], "error")
		)
		self.assertFalse(self.sandbox.requests_to("/2/media/upload"))

	def messenger_ticket(self, platform="Facebook"):
		account = "1001" if platform == "Facebook" else "2001"
		channel = make_channel(
			platform,
			account,
			base_url=self.sandbox.url,
			poll=1,
			webhooks=0,
			name=f"Media {platform} " + uid(),
		)
		fan = uid("4")
		self.sandbox.graph.add_user(fan, "Fiona Fan", "fiona.fan")
		kind = "messenger" if platform == "Facebook" else "instagram"
		self.sandbox.graph.message(account, fan, "Where is my order?", platform=kind, at=time.time())
		poll_channel(channel.name)
		ticket = frappe.db.get_value(
			"Issue", {"social_channel": channel.name, "social_thread_key": dm_thread_key(fan)}
		)
		return ticket, fan

	def test_messenger_sends_the_image_first_and_never_twice(self):
		ticket, fan = self.messenger_ticket()
		image = self.image_on(ticket)
		r = self.send_as(AGENT, ticket, "Here is the map", image=image.file_url)
		self.assertEqual(r["status"], "Approved")
		g = self.sandbox.graph
		self.sandbox.inject("server_error", path=r"/messages$", method="POST", count=1, skip=1)
		g_calls = len(g.sent)
		# the image went out, the words hit a server error: the image's id is kept
		send_reply(r["name"])
		image_id = frappe.db.get_value("Social Reply", r["name"], "image_message_id")
		self.assertTrue(image_id)
		frappe.db.set_value("Social Reply", r["name"], "next_attempt_on", frappe.utils.now_datetime())
		self.assertEqual(send_reply(r["name"]), "Sent")
		ours = [m for m in g.messages if m["_from"] == "1001" and m["_to"] == fan]
		self.assertEqual(
			[(bool(m.get("_attachments")), m["message"]) for m in ours],
			[(True, ""), (False, "Here is the map ^SB")],
		)
		self.assertEqual(ours[0]["id"], image_id)
		self.assertGreater(len(g.sent), g_calls)

	def test_images_are_refused_before_anything_is_stored_where_they_cannot_go(self):
		channel = make_channel(
			"Instagram", "2001", base_url=self.sandbox.url, poll=1, webhooks=0, name="Media IG " + uid()
		)
		fan = uid("4")
		g = self.sandbox.graph
		g.add_user(fan, "Ina Fan", "ina.fan")
		g.comment(g.ig_media("2001", "new")["id"], fan, "price?")
		poll_channel(channel.name)
		ticket = frappe.db.get_value("Issue", {"social_channel": channel.name})
		image = self.image_on(ticket)
		with self.assertRaisesRegex(frappe.ValidationError, "Instagram comments carry text only"):
			self.send_as(AGENT, ticket, "Here", image=image.file_url)
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": ticket}), 0)
		# an image that is not this ticket's file, or not an image at all
		_x, other, _t = self.x_ticket()
		with self.assertRaises(frappe.PermissionError):
			self.send_as(AGENT, other, "Here", image=image.file_url)
		pdf = self.image_on(other, PDF, name=f"doc-{uid()}.pdf")
		with self.assertRaisesRegex(frappe.ValidationError, "not an image"):
			self.send_as(AGENT, other, "Here", image=pdf.file_url)
		self.assertEqual(frappe.db.count("Social Reply", {"reference_name": other}), 0)

	def test_rest_cannot_put_an_image_on_a_reply(self):
		set_policy(approve_public=1)
		_channel, ticket, _tweet = self.x_ticket()
		image = self.image_on(ticket)
		r = self.send_as(AGENT, ticket, "Words only")
		from .utils import api_user

		auth = api_user("rest.media.social@example.com", "Social Agent", "Support Team", "Social Approver")
		resp = request(
			"PUT",
			f"/api/resource/Social Reply/{r['name']}",
			data=json.dumps({"image": image.file_url}).encode(),
			headers={"Authorization": auth},
		)
		self.assertNotEqual(resp.status_code, 200)
		self.assertFalse(frappe.db.get_value("Social Reply", r["name"], "image"))
