"""Media both ways against the sandbox over real HTTP: every payload shape with media parsed into
typed Media and cleaned at the one gate, downloads under the media-host, size and type rules, and
images sent with replies (X's v2 upload, Facebook photo comments) or refused where a platform
cannot carry them."""

import json

import pytest
import requests

from social_support.platforms import ChannelConfig, make_client, media_request
from social_support.platforms.base import (
	BadRequest,
	InboundItem,
	Media,
	OutboundImage,
	TransientError,
	clean_file_name,
	clean_item,
	clean_media,
)
from social_support.platforms.hosts import sandbox_origin
from social_support.platforms.limits import DM, POST, PRIVATE, PUBLIC, image_refusal
from social_support.platforms.media import MediaRefused, fetch, file_name_for, sniff
from social_support.platforms.meta import parse_poll as meta_poll
from social_support.platforms.meta import parse_webhook as meta_webhook
from social_support.platforms.x import parse_poll as x_poll
from social_support.platforms.x import parse_webhook as x_webhook

PAGE, IG = "1001", "2001"
PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"j" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"v" * 200
OGG = b"OggS" + b"a" * 100
PDF = b"%PDF-1.7\n" + b"d" * 100
X_CREDS = {
	"consumer_key": "ck",
	"consumer_secret": "cs",
	"access_token": "99-sandbox",
	"access_token_secret": "ats",
	"bearer_token": "app-bearer",
}
ALL_TYPES = ["image/png", "image/jpeg", "video/mp4", "audio/ogg", "application/pdf"]


def x_config(sandbox):
	return ChannelConfig("X", "99", "brand", sandbox.url, dict(X_CREDS), [], timeout=3)


def fb_config(sandbox, platform="Facebook"):
	account = PAGE if platform == "Facebook" else IG
	return ChannelConfig(platform, account, "brand", sandbox.url, {"access_token": "page-token"}, timeout=3)


def cleaned(sandbox, items):
	"""Items as the pipeline stores them for a channel whose API base URL is the sandbox."""
	return [clean_item(i, sandbox_origin=sandbox_origin(sandbox.url)) for i in items]


def shape(media):
	return [(m.kind, m.url.rsplit("/_media/", 1)[-1] if m.url else None, m.mime_type) for m in media]


# --- inbound: X ----------------------------------------------------------------------------------
def test_x_poll_brings_photos_videos_and_gifs_from_includes(sandbox):
	x = sandbox.x
	x.add_user("7", "cust", "Customer")
	photo, video, gif = x.photo(PNG), x.video(MP4), x.video(MP4, gif=True)
	x.post_tweet("7", "@brand broken on arrival", media_keys=[photo, video])
	x.post_tweet("7", "@brand and this", media_keys=[gif])
	x.post_tweet("7", "@brand no media here")
	client = make_client(x_config(sandbox))
	pages = list(client.poll("mentions", None))
	got = {i.text: i for i in cleaned(sandbox, [i for p in pages for i in x_poll("mentions", p.raw, "99")])}
	assert shape(got["@brand broken on arrival"].media) == [
		("image", f"x/{photo}", None),
		("video", f"x/{video}-l.mp4", "video/mp4"),  # the highest bit rate mp4, not the HLS playlist
	]
	assert [m.media_id for m in got["@brand broken on arrival"].media] == [photo, video]
	assert shape(got["@brand and this"].media) == [("video", f"x/{gif}-l.mp4", "video/mp4")]
	assert got["@brand no media here"].media == []


def test_x_dm_poll_webhook_and_activity_payloads_carry_media(sandbox):
	x = sandbox.x
	x.add_user("7", "cust", "Customer")
	key = x.photo(JPEG)
	dm = x.send_dm_to("99", "7", "the label", media_key=key)
	tweet = x.post_tweet("7", "@brand see", media_keys=[x.video(MP4)])
	client = make_client(x_config(sandbox))
	(page,) = list(client.poll("dms", None))
	(polled,) = cleaned(sandbox, x_poll("dms", page.raw, "99"))
	assert shape(polled.media) == [("image", f"x/{key}", None)]
	(hooked,) = cleaned(sandbox, x_webhook(x.webhook_payload("dm", event_id=dm["id"]), "99"))
	assert (
		shape(hooked.media) == [("image", f"x/{key}", None)] and hooked.media[0].media_id == key.split("_")[1]
	)
	(v1,) = cleaned(sandbox, x_webhook(x.webhook_payload("tweet", tweet_id=tweet["id"]), "99"))
	assert [m.kind for m in v1.media] == ["video"] and v1.media[0].url.endswith("-l.mp4")
	(v2,) = cleaned(sandbox, x_webhook(x.activity_payload("post.mention.create", tweet_id=tweet["id"]), "99"))
	assert shape(v2.media) == shape(v1.media)


# --- inbound: Facebook, Messenger, Instagram --------------------------------------------------------
def test_facebook_feed_poll_and_webhooks_carry_photos_and_videos(sandbox):
	g = sandbox.graph
	g.add_user("501", "Fan One")
	photo = g.attachment("image", JPEG, "image/jpeg")
	video = g.attachment("video", MP4, "video/mp4")
	post = g.visitor_post(PAGE, "501", "", attachment=video)  # a video without words is still filed
	cm = g.comment(post["id"], "501", "and the box", attachment=photo)
	client = make_client(fb_config(sandbox))
	pages = list(client.poll("feed", None))
	items = {
		i.external_id: i for i in cleaned(sandbox, [i for p in pages for i in meta_poll("feed", p.raw, PAGE)])
	}
	assert shape(items[post["id"]].media) == [("video", f"graph/{video['id']}", None)]
	assert shape(items[cm["id"]].media) == [("image", f"graph/{photo['id']}", None)]
	(hook_cm,) = cleaned(sandbox, meta_webhook(g.webhook_payload("feed_comment", comment_id=cm["id"]), PAGE))
	assert shape(hook_cm.media) == [("image", f"graph/{photo['id']}", None)]
	(hook_post,) = cleaned(sandbox, meta_webhook(g.webhook_payload("feed_post", post_id=post["id"]), PAGE))
	assert shape(hook_post.media) == [("video", f"graph/{video['id']}", None)]


def test_messenger_and_instagram_dm_attachments_in_webhooks_and_polls(sandbox):
	g = sandbox.graph
	g.add_user("601", "Dee Em")
	parts = [
		g.attachment("image", JPEG, "image/jpeg"),
		g.attachment("video", MP4, "video/mp4"),
		g.attachment("audio", OGG, "audio/ogg", name="voice.ogg"),
		g.attachment("file", PDF, "application/pdf", name="../../invoice <b>.pdf"),
		g.attachment("sticker", PNG, "image/png"),
	]
	m = g.message(PAGE, "601", "", attachments=parts)
	(hooked,) = cleaned(sandbox, meta_webhook(g.webhook_payload("message", message_id=m["id"]), PAGE))
	assert [x.kind for x in hooked.media] == ["image", "video", "audio", "document", "sticker"]
	assert all(x.url and "/_media/graph/" in x.url for x in hooked.media)
	client = make_client(fb_config(sandbox))
	(page,) = list(client.poll("messenger", None))
	(polled,) = cleaned(sandbox, meta_poll("messenger", page.raw, PAGE))
	assert [(x.kind, x.mime_type, x.size) for x in polled.media] == [
		("image", "image/jpeg", len(JPEG)),
		("video", "video/mp4", len(MP4)),
		("audio", "audio/ogg", len(OGG)),
		("document", "application/pdf", len(PDF)),
		("sticker", "image/png", len(PNG)),
	]
	assert polled.media[3].file_name == "invoice _b_.pdf"  # no folders, no markup
	# Instagram: a shared post and a story mention arrive as links to the platform's media
	g.add_user("701", "Insta Fan", "insta.fan")
	share = g.attachment("share", JPEG, "image/jpeg")
	story = g.attachment("story_mention", MP4, "video/mp4")
	im = g.message(IG, "701", "look", platform="instagram", attachments=[share, story])
	(ig,) = cleaned(sandbox, meta_webhook(g.webhook_payload("message", message_id=im["id"]), IG))
	assert [x.kind for x in ig.media] == ["file", "file"]


def test_instagram_story_reply_and_unknown_attachment_shapes():
	payload = {
		"object": "instagram",
		"entry": [
			{
				"id": IG,
				"messaging": [
					{
						"sender": {"id": "701"},
						"recipient": {"id": IG},
						"timestamp": 1700000000000,
						"message": {
							"mid": "aWdfZAG",
							"text": "love it",
							"reply_to": {
								"story": {
									"url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
									"id": "17",
								}
							},
							"attachments": [
								{
									"type": "ig_post",
									"payload": {
										"ig_post_media_id": "18139494541428835",
										"title": "a caption",
										"url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18139494541428835",
									},
								},
								{
									"type": "ig_reel",
									"payload": {
										"url": "https://scontent.cdninstagram.com/r.mp4",
										"reel_video_id": "88",
									},
								},
								"junk",
							],
						},
					}
				],
			}
		],
	}
	(item,) = [clean_item(i) for i in meta_webhook(payload, IG)]
	assert [(m.kind, m.media_id) for m in item.media] == [
		("file", "18139494541428835"),
		("video", "88"),
		("file", "17"),
	]
	assert item.media[0].caption == "a caption"


# --- the one gate -----------------------------------------------------------------------------------
def item_with(media, text="see https://evil.example/x.png"):
	from datetime import datetime, timezone

	from social_support.platforms.base import Author

	return InboundItem(
		platform="Facebook",
		account_id=PAGE,
		external_id="m_1",
		kind="dm",
		text=text,
		author=Author("601"),
		created_at=datetime.now(timezone.utc),
		thread_key="dm:601",
		media=media,
	)


def test_clean_item_keeps_only_media_on_the_platforms_hosts_and_defuses_the_rest(sandbox):
	local = sandbox.host_media(PNG, "image/png")
	got = clean_item(
		item_with(
			[
				Media("image", url="https://scontent.xx.fbcdn.net/v/a.jpg?oh=1", size="120"),
				Media("image", url="https://evil.example/x.png"),  # the link in the text, too: never media
				Media("image", url="http://scontent.xx.fbcdn.net/a.jpg"),  # not https
				Media("image", url=local),  # the sandbox: only for a channel that talks to it
				Media("<script>", media_id="ok_1", mime_type="Image/PNG; charset=x", file_name=".htaccess"),
				Media("video", media_id="<b>", size=-4),
				Media(
					"audio", url="https://lookaside.fbsbx.com/a", size=True, caption="<img src=x onerror=1>"
				),
			]
		)
	)
	assert [(m.kind, m.url, m.media_id, m.mime_type, m.file_name, m.size) for m in got.media] == [
		("image", "https://scontent.xx.fbcdn.net/v/a.jpg?oh=1", None, None, None, 120),
		("file", None, "ok_1", "image/png", "htaccess", None),
		("audio", "https://lookaside.fbsbx.com/a", None, None, None, None),
	]
	assert got.media[2].caption == "< img src=x onerror=1>"
	with_sandbox = clean_item(
		item_with([Media("image", url=local)]), sandbox_origin=sandbox_origin(sandbox.url)
	)
	assert [m.url for m in with_sandbox.media] == [local]
	# the sandbox origin is only ever a loopback API base URL, and only its media path counts
	assert sandbox_origin("https://graph.facebook.com") is None
	api = sandbox.url + "/v23.0/me"
	assert (
		clean_media("Facebook", [Media("image", url=api)], sandbox_origin=sandbox_origin(sandbox.url)) == []
	)


def test_file_names_are_only_names():
	assert clean_file_name("C:\\Users\\me\\photo 1.JPG") == "photo 1.JPG"
	assert clean_file_name("../../etc/passwd") == "passwd"
	assert clean_file_name('<img src=x onerror="1">.png') == "img src_x onerror_1_.png"
	assert clean_file_name("\u202egnp.exe") == "gnp.exe"
	assert clean_file_name("....") is None
	long = clean_file_name("a" * 300 + ".pdf")
	assert len(long) <= 100 and long.endswith(".pdf")
	assert file_name_for(Media("audio", media_id="77"), "audio/ogg", 0) == "audio-77.ogg"


# --- downloads ---------------------------------------------------------------------------------------
def download(sandbox, url, platform="Facebook", max_bytes=10_000, types=ALL_TYPES, config=None, kind="image"):
	config = config or fb_config(sandbox, platform if platform != "X" else "Facebook")
	request = media_request(config, Media(kind, url=url))
	return fetch(
		request,
		platform=platform,
		sandbox_origin=sandbox_origin(sandbox.url),
		max_bytes=max_bytes,
		allowed_types=types,
	)


def test_download_checks_host_size_and_type_on_the_bytes(sandbox):
	got = download(sandbox, sandbox.host_media(JPEG, "image/jpeg"))
	assert (got.data, got.mime_type, got.size) == (JPEG, "image/jpeg", len(JPEG))
	with pytest.raises(MediaRefused, match="media hosts"):
		download(sandbox, "https://evil.example/a.jpg")
	with pytest.raises(MediaRefused, match="limit"):
		download(sandbox, sandbox.host_media(JPEG, "image/jpeg"), max_bytes=100)
	with pytest.raises(MediaRefused, match="not among the allowed"):
		download(sandbox, sandbox.host_media(JPEG, "text/html"))
	# the host says PNG; the bytes are a PDF: what the bytes are decides
	with pytest.raises(MediaRefused, match="application/pdf"):
		download(sandbox, sandbox.host_media(PDF, "image/png"), types=["image/png"])
	with pytest.raises(MediaRefused, match="HTTP 404"):
		download(sandbox, sandbox.url + "/_media/nothing")


def test_download_stops_streaming_at_the_limit_without_a_length(sandbox):
	class NoLength(requests.Session):
		def get(self, url, **kw):
			resp = super().get(url, **kw)
			resp.headers.pop("Content-Length", None)
			return resp

	url = sandbox.host_media(JPEG * 100, "image/jpeg")
	request = media_request(fb_config(sandbox), Media("image", url=url))
	with pytest.raises(MediaRefused, match="download was stopped"):
		fetch(
			request,
			platform="Facebook",
			sandbox_origin=sandbox_origin(sandbox.url),
			max_bytes=1000,
			allowed_types=ALL_TYPES,
			session=NoLength(),
		)


def test_redirects_are_followed_only_to_media_hosts(sandbox):
	target = sandbox.host_media(PNG, "image/png")
	hop = sandbox.host_media(b"", "text/plain", redirect_to=target)
	assert download(sandbox, hop).data == PNG
	away = sandbox.host_media(b"", "text/plain", redirect_to="https://evil.example/p.png")
	with pytest.raises(MediaRefused, match="redirected"):
		download(sandbox, away)


def test_x_dm_media_is_downloaded_with_the_accounts_oauth1_signature(sandbox):
	url = sandbox.host_media(PNG, "image/png", auth="OAuth")
	got = download(sandbox, url, platform="X", config=x_config(sandbox))
	assert got.data == PNG
	assert sandbox.requests_to("/_media/")[-1].headers["authorization"].startswith("OAuth ")
	# Meta's CDN gets no token: without one the same protected file is refused
	with pytest.raises(MediaRefused, match="HTTP 401"):
		download(sandbox, url)


def test_sniff_knows_the_common_types():
	assert sniff(JPEG) == ("image/jpeg",) and sniff(PNG) == ("image/png",)
	assert "video/mp4" in sniff(MP4) and "audio/ogg" in sniff(OGG) and sniff(PDF) == ("application/pdf",)
	assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp",)
	assert sniff(b"<html><script>") == ()


# --- outbound ----------------------------------------------------------------------------------------
def test_x_reply_and_dm_carry_an_uploaded_image(sandbox):
	x = sandbox.x
	x.add_user("7", "cust", "Customer")
	mention = x.post_tweet("7", "@brand help")
	client = make_client(x_config(sandbox))
	sent = client.reply_public(
		mention["id"], "@cust here is how", image=OutboundImage(PNG, "image/png", "how.png")
	)
	tweet = x.tweet(sent.external_id)
	(key,) = tweet["attachments"]["media_keys"]
	assert requests.get(x.media[key]["url"], timeout=3).content == PNG
	upload = sandbox.requests_to("/2/media/upload", "POST")[-1]
	body = json.loads(upload.body)
	assert (body["media_category"], body["media_type"]) == ("tweet_image", "image/png")
	assert upload.headers["authorization"].startswith("OAuth ")
	dm = client.send_dm("7", "the label", image=OutboundImage(JPEG, "image/jpeg"))
	event = next(d for d in x.dms if d["id"] == dm.external_id)
	assert (
		event["attachments"]["media_keys"]
		and json.loads(sandbox.requests_to("/2/media/upload")[-1].body)["media_category"] == "dm_image"
	)
	with pytest.raises(BadRequest, match="image/png"):
		client.post("a gif", image=OutboundImage(b"GIF89a", "image/gif"))


def test_facebook_comment_carries_a_photo_and_instagram_refuses(sandbox):
	g = sandbox.graph
	g.add_user("501", "Fan One")
	post = g.visitor_post(PAGE, "501", "broken")
	fb = make_client(fb_config(sandbox))
	sent = fb.reply_public(post["id"], "like this", image=OutboundImage(PNG, "image/png", "fix.png"))
	cm = g._find_comment(sent.external_id)
	assert cm["text"] == "like this" and requests.get(cm["_attachment"]["url"], timeout=3).content == PNG
	assert g.sent[-1]["files"] == {"source": ("fix.png", "image/png", len(PNG))}
	media = g.ig_media(IG, "new")
	ic = g.comment(media["id"], "701", "price?")
	ig = make_client(fb_config(sandbox, "Instagram"))
	with pytest.raises(BadRequest, match="Instagram comments carry text only"):
		ig.reply_public(ic["id"], "see", image=OutboundImage(PNG, "image/png"))
	with pytest.raises(BadRequest, match="message of its own"):
		fb.send_dm("501", "hi", image=OutboundImage(PNG, "image/png"))
	assert len(g.comments) == 2  # nothing was sent for the refused ones


def test_image_refusals_name_the_reason_per_platform_and_mode():
	assert (
		image_refusal("X", PUBLIC) is None
		and image_refusal("X", DM) is None
		and image_refusal("X", POST) is None
	)
	assert "private" in image_refusal("X", PRIVATE)
	assert image_refusal("Facebook", PUBLIC) is None
	assert "5 MB" in image_refusal(
		"X", PUBLIC, OutboundImage(b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024), "image/jpeg")
	)
	assert image_refusal("Facebook", DM) is None  # Messenger: a message of its own
	assert image_refusal("Instagram", DM) is None  # uploaded first, then sent by its attachment id
	assert "Instagram Login" in image_refusal("Instagram", DM, login="Instagram Login")
	for platform, mode in (
		("Instagram", PUBLIC),
		("Facebook", PRIVATE),
		("Facebook", POST),
	):
		assert image_refusal(platform, mode), (platform, mode)


def test_messenger_sends_an_uploaded_image_as_a_message_of_its_own_and_finds_it_again(sandbox):
	from datetime import datetime, timedelta, timezone

	g = sandbox.graph
	g.add_user("501", "Fan One")
	g.message(PAGE, "501", "where is it?")
	fb = make_client(fb_config(sandbox))
	before = datetime.now(timezone.utc) - timedelta(seconds=5)
	assert fb.find_sent_image("501", before) is None
	sent = fb.send_image_dm("501", OutboundImage(PNG, "image/png", "map.png"))
	msg = next(m for m in g.messages if m["id"] == sent.external_id)
	assert msg["message"] == "" and requests.get(msg["_attachments"][0]["url"], timeout=3).content == PNG
	call = g.sent[-1]
	assert call["files"] == {"filedata": ("map.png", "image/png", len(PNG))}
	assert json.loads(call["params"]["message"])["attachment"]["type"] == "image"
	assert call["params"]["messaging_type"] == "RESPONSE"
	assert fb.find_sent_image("501", before) == sent.external_id
	assert fb.find_sent_image("501", datetime.now(timezone.utc) + timedelta(minutes=1)) is None
	# Instagram: uploaded through the Attachment Upload API, then sent by its id
	g.add_user("701", "Insta Fan", "insta.fan")
	g.message(IG, "701", "hi", platform="instagram")
	ig = make_client(fb_config(sandbox, "Instagram"))
	sent = ig.send_image_dm("701", OutboundImage(JPEG, "image/jpeg", "label.jpg"))
	upload, send = g.sent[-2], g.sent[-1]
	assert (upload["edge"], upload["params"]["platform"]) == ("message_attachments", "instagram")
	assert upload["files"] == {"filedata": ("label.jpg", "image/jpeg", len(JPEG))}
	assert (
		"files" not in send
		and json.loads(send["params"]["message"])["attachment"]["payload"]["attachment_id"]
	)
	msg = next(m for m in g.messages if m["id"] == sent.external_id)
	assert requests.get(msg["_attachments"][0]["url"], timeout=3).content == JPEG
	with pytest.raises(BadRequest, match="image/jpeg or image/png"):
		ig.send_image_dm("701", OutboundImage(b"GIF89a", "image/gif"))


def test_a_fault_can_let_the_first_calls_through(sandbox):
	g = sandbox.graph
	g.add_user("501", "Fan One")
	g.message(PAGE, "501", "hi")
	fb = make_client(fb_config(sandbox))
	sandbox.inject("server_error", path=r"/messages$", method="POST", count=1, skip=1)
	assert fb.send_image_dm("501", OutboundImage(PNG, "image/png")).external_id
	with pytest.raises(TransientError):
		fb.send_dm("501", "words")
	assert fb.send_dm("501", "words").external_id
