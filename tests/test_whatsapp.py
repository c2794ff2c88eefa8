"""WhatsApp Cloud API: webhook parsing of every message and status kind, routing, customers, the
window, templates, errors and media, against the sandbox over real HTTP."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from social_support.platforms import ChannelConfig, get_family, make_client
from social_support.platforms.base import (
	KIND_DM,
	MEDIA_AUDIO,
	MEDIA_DOCUMENT,
	MEDIA_IMAGE,
	MEDIA_STICKER,
	MEDIA_VIDEO,
	WHATSAPP,
	AuthError,
	BadRequest,
	DeliveryStatus,
	InvalidItem,
	OutsideWindow,
	PermissionDenied,
	RateLimited,
	TransientError,
	clean_item,
	later_status,
	valid_user_id,
)
from social_support.platforms.limits import char_limit, messaging_window_hours
from social_support.platforms.meta import webhook_account_ids as meta_account_ids
from social_support.platforms.meta import webhook_platform as meta_platform
from social_support.platforms.whatsapp import (
	classify,
	delivery_error,
	parse_webhook,
	recipient,
	resolve_media,
	verify_signature,
	webhook_account_ids,
	window_left,
)
from social_support.platforms.whatsapp.rules import (
	Template,
	check_values,
	describe_left,
	in_window,
	missing_values,
	render,
	send_components,
	variables,
)
from social_support.sandbox import whatsapp_api as wa

PN = "3001"
WABA = "3101"


def delivery(*values_for_numbers, entries=1):
	"""A webhook body: each value dict carries its phone number id under "_pn"."""
	entry_list = []
	for i in range(entries):
		changes = []
		for v in values_for_numbers:
			pn = v.pop("_pn", PN) if i == entries - 1 else v.get("_pn", PN)
			value = {
				"messaging_product": "whatsapp",
				"metadata": {"display_phone_number": "15550103001", "phone_number_id": pn},
				**{k: val for k, val in v.items() if k != "_pn"},
			}
			changes.append({"field": "messages", "value": value})
		entry_list.append({"id": WABA, "changes": changes})
	return {"object": "whatsapp_business_account", "entry": entry_list}


def message(kind, body=None, mid="wamid.AAA1", sender="46701234567", **extra):
	m = {"from": sender, "id": mid, "timestamp": "1767225600", "type": kind, **extra}
	if body is not None:
		m[kind] = body
	return m


def contact(wa_id="46701234567", name="Anna Berg", user_id=None, username=None):
	c = {"profile": {"name": name}}
	if wa_id:
		c["wa_id"] = wa_id
	if user_id:
		c["user_id"] = user_id
	if username:
		c["profile"]["username"] = username
	return c


def one(msg, contacts=None):
	items = parse_webhook(delivery({"contacts": contacts or [contact()], "messages": [msg]}), PN)
	assert len(items) == 1
	return clean_item(items[0])


# --- routing and the Meta endpoint --------------------------------------------------------------
def test_meta_endpoint_knows_whatsapp_and_routes_every_change_by_phone_number_id():
	body = delivery(
		{"_pn": "3001", "contacts": [contact()], "messages": [message("text", {"body": "a"}, "wamid.A1")]},
		{"_pn": "3002", "contacts": [contact()], "messages": [message("text", {"body": "b"}, "wamid.B1")]},
	)
	body["entry"].append(
		{
			"id": "3199",
			"changes": [
				{
					"field": "messages",
					"value": {
						"metadata": {"phone_number_id": "3001"},
						"contacts": [contact()],
						"messages": [message("text", {"body": "c"}, "wamid.A2")],
					},
				}
			],
		}
	)
	assert meta_platform(body) == WHATSAPP
	assert meta_account_ids(body) == webhook_account_ids(body) == ["3001", "3002"]
	assert [i.text for i in parse_webhook(body, "3001")] == ["a", "c"]  # every entry, not only the first
	assert [i.text for i in parse_webhook(body, "3002")] == ["b"]
	assert get_family(WHATSAPP).parse_webhook is parse_webhook


def test_other_fields_and_junk_are_ignored_without_failing():
	body = delivery({"contacts": [], "messages": []})
	body["entry"][0]["changes"].append(
		{"field": "message_template_status_update", "value": {"event": "APPROVED"}}
	)
	body["entry"][0]["changes"].append("junk")
	body["entry"].append("junk")
	assert parse_webhook(body, PN) == []
	assert webhook_account_ids({"object": "page", "entry": []}) == []


def test_signature_is_metas_on_the_raw_body():
	raw = json.dumps(delivery({"messages": []})).encode()
	from social_support.platforms.whatsapp import signature

	sig = signature(raw, "s3cret")
	assert verify_signature(raw, sig, ["other", "s3cret"])
	assert not verify_signature(raw + b" ", sig, ["s3cret"])
	assert not verify_signature(raw, sig.upper().replace("SHA256", "sha1"), ["s3cret"])
	assert not verify_signature(raw, None, ["s3cret"])


# --- every message kind --------------------------------------------------------------------------
def test_text_message_becomes_a_private_item_of_the_customer():
	item = one(message("text", {"body": "Where is my order?"}))
	assert item.platform == WHATSAPP and item.kind == KIND_DM and item.account_id == PN
	assert item.external_id == "wamid.AAA1"
	assert item.text == "Where is my order?"
	assert item.author.user_id == "46701234567" and item.author.phone == "46701234567"
	assert item.author.name == "Anna Berg"
	assert item.thread_key == "dm:46701234567"
	assert item.created_at == datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
	"kind,body,media_kind",
	[
		(
			"image",
			{"id": "111", "mime_type": "image/jpeg", "sha256": "x", "caption": "broken lid"},
			MEDIA_IMAGE,
		),
		("video", {"id": "112", "mime_type": "video/mp4"}, MEDIA_VIDEO),
		("audio", {"id": "113", "mime_type": "audio/ogg; codecs=opus", "voice": True}, MEDIA_AUDIO),
		(
			"document",
			{"id": "114", "mime_type": "application/pdf", "filename": "invoice.pdf"},
			MEDIA_DOCUMENT,
		),
		("sticker", {"id": "115", "mime_type": "image/webp", "animated": False}, MEDIA_STICKER),
	],
)
def test_media_messages_carry_typed_media_by_id(kind, body, media_kind):
	item = one(message(kind, body))
	assert len(item.media) == 1
	m = item.media[0]
	# the one gate keeps the type without its parameters ("audio/ogg; codecs=opus" -> "audio/ogg")
	assert (
		m.kind == media_kind and m.media_id == body["id"] and m.mime_type == body["mime_type"].split(";")[0]
	)
	assert m.url is None  # fetched by id, never a URL from the payload
	assert item.text == body.get("caption", "")
	assert m.file_name == body.get("filename")


def test_location_contacts_interactive_button_reaction_system():
	loc = one(
		message("location", {"latitude": 59.33, "longitude": 18.06, "name": "Shop", "address": "Main 1"})
	)
	assert loc.text == "Location: Shop, Main 1 (59.33, 18.06)"
	cards = one(
		message(
			"contacts",
			None,
			contacts=[
				{"name": {"formatted_name": "Bo Ek"}, "phones": [{"phone": "+46 70 111", "wa_id": "4670111"}]}
			],
		)
	)
	assert cards.text == "Shared contact: Bo Ek +46 70 111"
	button = one(
		message("interactive", {"type": "button_reply", "button_reply": {"id": "b1", "title": "Yes"}})
	)
	assert button.text == "Yes"
	listed = one(
		message(
			"interactive",
			{"type": "list_reply", "list_reply": {"id": "l1", "title": "Returns", "description": "30 days"}},
		)
	)
	assert listed.text == "Returns (30 days)"
	tpl_button = one(message("button", {"payload": "STOP", "text": "Stop promotions"}))
	assert tpl_button.text == "Stop promotions"
	reaction = one(message("reaction", {"message_id": "wamid.OURS1", "emoji": "👍"}))
	assert reaction.text == "Reacted 👍" and reaction.parent_external_id == "wamid.OURS1"
	unreact = one(message("reaction", {"message_id": "wamid.OURS1", "emoji": ""}))
	assert unreact.text == "Removed a reaction"
	system = one(message("system", {"body": "User A changed from 1 to 2", "type": "user_changed_number"}))
	assert system.text.startswith("User A changed")


def test_a_reply_keeps_what_it_answers():
	item = one(message("text", {"body": "this one"}, context={"from": "15550103001", "id": "wamid.OURS2"}))
	assert item.parent_external_id == "wamid.OURS2"


@pytest.mark.parametrize("kind", ["unsupported", "order", "hologram"])
def test_unknown_kinds_are_recorded_as_such_with_their_raw_json(kind):
	msg = message(kind, {"what": "<b>x</b>"})
	if kind == "unsupported":
		msg["errors"] = [{"code": 131051, "title": "Message type unknown"}]
	item = one(msg)
	assert f"type '{kind}'" in item.text and '"what": "<b>x</b>"' in item.text
	assert item.stream == ("order" if kind == "order" else "unknown")


# --- customers ------------------------------------------------------------------------------------
def test_business_scoped_user_id_is_the_customer_where_present():
	bsuid = "US.13491208655302741918"
	item = one(
		message("text", {"body": "hi"}, from_user_id=bsuid),
		[contact(user_id=bsuid, username="anna.b")],
	)
	assert item.author.user_id == bsuid and item.author.phone == "46701234567"
	assert item.author.handle == "anna.b"
	assert item.thread_key == f"dm:{bsuid}"


def test_a_username_customer_without_a_phone_number():
	bsuid = "BR.1502576394655843"
	msg = message("text", {"body": "oi"}, from_user_id=bsuid)
	del msg["from"]
	item = one(msg, [contact(wa_id=None, user_id=bsuid, username="maria.l")])
	assert item.author.user_id == bsuid and item.author.phone is None
	parent = "US.ENT.11815799212886844830"
	assert valid_user_id(WHATSAPP, parent)


@pytest.mark.parametrize(
	"bad", ["", "12", "us.123", "US.12 3", "US.<b>", "1234567890123456", "dm:1", "US." + "9" * 129]
)
def test_customer_ids_are_strict(bad):
	assert not valid_user_id(WHATSAPP, bad)
	msg = message("text", {"body": "x"}, sender=bad)
	items = parse_webhook(delivery({"contacts": [], "messages": [msg]}), PN)
	with pytest.raises(InvalidItem):
		clean_item(items[0])


@pytest.mark.parametrize("bad", ["", "wamid.", "m_123", "wamid.a b", "wamid.<x>"])
def test_message_ids_are_strict(bad):
	items = parse_webhook(
		delivery({"contacts": [contact()], "messages": [message("text", {"body": "x"}, mid=bad)]}), PN
	)
	with pytest.raises(InvalidItem):
		clean_item(items[0])


# --- statuses ------------------------------------------------------------------------------------
def test_statuses_of_every_kind_with_errors():
	statuses = [
		{"id": "wamid.S1", "status": "sent", "timestamp": "1767225601", "recipient_id": "46701234567"},
		{"id": "wamid.S1", "status": "delivered", "timestamp": "1767225602", "recipient_id": "46701234567"},
		{
			"id": "wamid.S1",
			"status": "read",
			"timestamp": "1767225603",
			"recipient_id": "46701234567",
			"recipient_user_id": "SE.998877",
		},
		{
			"id": "wamid.S2",
			"status": "failed",
			"timestamp": "1767225604",
			"recipient_id": "46701234567",
			"biz_opaque_callback_data": "SR-0001",
			"errors": [
				{
					"code": 131047,
					"title": "Re-engagement message",
					"error_data": {"details": "More than 24 hours have passed"},
				}
			],
		},
		{"id": "wamid.S3", "status": "deleted", "timestamp": "1767225605"},
	]
	out = parse_webhook(delivery({"statuses": statuses}), PN)
	assert [(s.external_id, s.status) for s in out] == [
		("wamid.S1", "sent"),
		("wamid.S1", "delivered"),
		("wamid.S1", "read"),
		("wamid.S2", "failed"),
	]
	assert all(isinstance(s, DeliveryStatus) for s in out)
	assert out[2].recipient_id == "SE.998877" and out[2].thread_key == "dm:SE.998877"
	failed = out[3]
	assert failed.callback_data == "SR-0001"
	assert failed.errors[0].code == 131047
	assert "24 hours" in delivery_error(failed.errors) and "template" in delivery_error(failed.errors)


def test_statuses_never_move_back():
	assert later_status(None, "sent") == "sent"
	assert later_status("read", "delivered") == "read"
	assert later_status("sent", "read") == "read"
	assert later_status("failed", "delivered") == "failed"
	assert later_status("delivered", "failed") == "failed"


# --- the window and limits ------------------------------------------------------------------------
def test_the_24_hour_window():
	now = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
	assert window_left(now - timedelta(hours=23, minutes=30), now) == timedelta(minutes=30)
	assert in_window(now - timedelta(hours=1), now)
	assert window_left(now - timedelta(hours=24), now) is None
	assert window_left(None, now) is None
	assert describe_left(timedelta(hours=5, minutes=12)) == "5 h 12 min left"
	assert describe_left(None) == "closed"
	assert char_limit(WHATSAPP, "Direct Message") == 4096
	assert char_limit(WHATSAPP, "Public Reply") is None
	assert messaging_window_hours(WHATSAPP) == 24


# --- templates ------------------------------------------------------------------------------------
def positional():
	return Template(
		name="order_update",
		language="en_US",
		status="APPROVED",
		category="UTILITY",
		components=wa.DEFAULT_TEMPLATES[0]["components"],
	)


def test_template_variables_preview_and_send_components():
	t = positional()
	assert variables(t.components) == {"HEADER": ["1"], "BODY": ["1", "2"]}
	values = {"header.1": "5512", "body.1": "Anna", "body.2": "5512"}
	assert render(t.components, values) == (
		"Order 5512\nHello Anna, about your order 5512: we have news. Reply to continue.\nBrand support"
	)
	assert send_components(t, values) == [
		{"type": "header", "parameters": [{"type": "text", "text": "5512"}]},
		{"type": "body", "parameters": [{"type": "text", "text": "Anna"}, {"type": "text", "text": "5512"}]},
	]
	assert missing_values(t.components, {"body.1": "Anna"}) == ["header.1", "body.2"]
	named = Template(
		"survey_invite",
		"en_US",
		"APPROVED",
		"UTILITY",
		wa.DEFAULT_TEMPLATES[1]["components"],
		parameter_format="NAMED",
	)
	assert send_components(named, {"body.survey_link": "https://x"}) == [
		{
			"type": "body",
			"parameters": [{"type": "text", "text": "https://x", "parameter_name": "survey_link"}],
		}
	]


def test_template_checks():
	t = positional()
	with pytest.raises(BadRequest, match="fill every variable"):
		check_values(t, {"body.1": "Anna"})
	with pytest.raises(BadRequest, match="line breaks"):
		check_values(t, {"header.1": "1", "body.1": "Anna\nB", "body.2": "2"})
	t.status = "PAUSED"
	with pytest.raises(BadRequest, match="PAUSED"):
		check_values(t, {"header.1": "1", "body.1": "A", "body.2": "2"})


# --- errors ---------------------------------------------------------------------------------------
def err(code, status=400):
	return classify(status, {"error": {"code": code, "message": f"(#{code}) x"}})


def test_error_codes_map_to_the_app_taxonomy():
	assert isinstance(err(131047), OutsideWindow)
	assert isinstance(err(131026), PermissionDenied) and "could not deliver" in str(err(131026))
	assert isinstance(err(190, 401), AuthError) and err(190, 401).needs_reauth
	assert isinstance(err(130429), RateLimited) and err(130429).retryable
	assert isinstance(err(131056), RateLimited)
	spam = err(131048)
	assert isinstance(spam, RateLimited) and spam.retry_after >= 3600 and "quality" in str(spam)
	assert isinstance(err(132015), BadRequest) and "paused" in str(err(132015))
	assert isinstance(err(132016), BadRequest) and "disabled" in str(err(132016))
	assert isinstance(err(132000), BadRequest)
	assert isinstance(err(131000, 500), TransientError)
	assert isinstance(classify(502, None), TransientError)
	assert not err(131026).retryable and not err(131047).retryable


def test_recipient_form():
	assert recipient("46701234567") == {"to": "46701234567"}
	assert recipient("US.13491208655302741918") == {"recipient": "US.13491208655302741918"}


# --- the client against the sandbox ---------------------------------------------------------------
def client_for(sb, **extra):
	return make_client(
		ChannelConfig(
			platform=WHATSAPP,
			account_id=wa.PHONE_NUMBER_ID,
			api_base_url=sb.url,
			credentials={"access_token": "wa-token"},
			business_account_id=wa.WABA_ID,
			**extra,
		)
	)


def test_sandbox_send_inside_the_window_then_statuses(sandbox):
	api = sandbox.whatsapp
	api.add_customer("46701234567", "Anna Berg")
	msg = api.customer_message("46701234567", text="hello")
	inbound = parse_webhook(api.message_payload(msg["id"]), wa.PHONE_NUMBER_ID)
	assert inbound[0].text == "hello" and inbound[0].external_id == msg["id"]
	client = client_for(sandbox)
	result = client.send_dm("46701234567", "We are on it", callback_data="SR-1")
	assert result.external_id.startswith("wamid.")
	api.advance(result.external_id, "delivered", "read")
	statuses = parse_webhook(api.status_payload(result.external_id), wa.PHONE_NUMBER_ID)
	assert [s.status for s in statuses] == ["sent", "delivered", "read"]
	assert statuses[0].callback_data == "SR-1"
	sent = api.sent[-1]["body"]
	assert sent["to"] == "46701234567" and sent["text"] == {"body": "We are on it", "preview_url": False}


def test_sandbox_outside_the_window_fails_with_131047_in_the_status(sandbox):
	api = sandbox.whatsapp
	api.add_customer("46701230000", "Old Friend")
	api.customer_message("46701230000", text="hi", at=time.time() - 2 * wa.DAY)
	result = client_for(sandbox).send_text("46701230000", "late answer")
	(status,) = parse_webhook(api.status_payload(result.external_id), wa.PHONE_NUMBER_ID)
	assert status.status == "failed" and status.errors[0].code == 131047


def test_sandbox_templates_listing_and_sending(sandbox):
	api = sandbox.whatsapp
	api.add_customer("46701239999", "Cold Customer")
	client = client_for(sandbox)
	templates = {t.name: t for t in client.templates()}
	assert set(templates) == {"order_update", "survey_invite", "spring_sale", "old_notice"}
	assert templates["spring_sale"].status == "PAUSED" and templates["order_update"].approved
	values = {"header.1": "5512", "body.1": "Cold", "body.2": "5512"}
	result = client.send_template("46701239999", templates["order_update"], values)
	(status,) = parse_webhook(api.status_payload(result.external_id), wa.PHONE_NUMBER_ID)
	assert status.status == "sent"  # a template is allowed outside the window
	with pytest.raises(BadRequest):
		client.send_template("46701239999", templates["spring_sale"], {"body.1": "x"})
	# what the platform says when a paused template is sent anyway
	templates["spring_sale"].status = "APPROVED"
	with pytest.raises(BadRequest, match="paused"):
		client.send_template("46701239999", templates["spring_sale"], {"body.1": "x"})


def test_sandbox_templates_are_paged(sandbox):
	api = sandbox.whatsapp
	for i in range(130):
		api.templates[wa.WABA_ID].append({**wa.DEFAULT_TEMPLATES[0], "name": f"t{i}", "id": str(2000 + i)})
	assert len(client_for(sandbox).templates()) == 134


def test_sandbox_undeliverable_and_username_recipient(sandbox):
	api = sandbox.whatsapp
	result = client_for(sandbox).send_text("46709999999", "to nobody")
	(status,) = parse_webhook(api.status_payload(result.external_id), wa.PHONE_NUMBER_ID)
	assert status.errors[0].code == 131026
	api.add_customer(None, "Maria", user_id="BR.1502576394655843", username="maria.l")
	api.customer_message("BR.1502576394655843", text="oi")
	client_for(sandbox).send_text("BR.1502576394655843", "olá")
	assert api.sent[-1]["body"]["recipient"] == "BR.1502576394655843"
	assert api.sent[-1]["failed"] is None


def test_sandbox_errors_are_classified(sandbox):
	client = client_for(sandbox)
	sandbox.inject("rate_limit", path=r"/3001/messages")
	with pytest.raises(RateLimited):
		client.send_text("46701234567", "x")
	sandbox.whatsapp.revoke_token("wa-token")
	with pytest.raises(AuthError):
		client.phone_number()


def test_phone_number_info(sandbox):
	info = client_for(sandbox).phone_number()
	assert info["display_phone_number"] == wa.DISPLAY_NUMBER and info["quality_rating"] == "GREEN"


def test_media_id_resolves_to_its_download_url(sandbox):
	media_id = sandbox.whatsapp.add_media(b"\x89PNG....", "image/png")
	info = resolve_media(media_id, "wa-token", api_base_url=sandbox.url)
	assert info["mime_type"] == "image/png" and info["file_size"] == 8
	got = requests.get(info["url"], headers={"Authorization": "Bearer wa-token"}, timeout=5)
	assert got.content == b"\x89PNG...."
	with pytest.raises(BadRequest):
		resolve_media("../etc", "wa-token", api_base_url=sandbox.url)


def test_media_url_must_be_whatsapps_media_host(sandbox):
	media_id = sandbox.whatsapp.add_media(b"x", "image/jpeg")
	sandbox.whatsapp.media_host = "https://attacker.example"
	with pytest.raises(PermissionDenied, match="media host"):
		resolve_media(media_id, "wa-token", api_base_url=sandbox.url)


def test_sandbox_media_sends_by_uploaded_id_only(sandbox):
	api = sandbox.whatsapp
	api.add_customer("46701231111", "Pia")
	api.customer_message("46701231111", text="send the manual please")
	media_id = api.add_media(b"%PDF-1.4", "application/pdf")
	client = client_for(sandbox)
	result = client.send_media(
		"46701231111", "document", media_id=media_id, caption="Manual", file_name="manual.pdf"
	)
	body = api.sent[-1]["body"]
	assert body["document"] == {"id": media_id, "caption": "Manual", "filename": "manual.pdf"}
	assert result.external_id == api.sent[-1]["id"]
	with pytest.raises(BadRequest):
		client.send_media("46701231111", "image", media_id="999999")  # not uploaded: 131053
	with pytest.raises(BadRequest):
		client.send_media("46701231111", "image")  # never a link
	with pytest.raises(BadRequest):
		client.send_dm("46701231111", "x", tag="HUMAN_AGENT")  # WhatsApp has no tags


def test_media_is_downloaded_by_id_with_the_bearer_token_under_the_media_rules(sandbox):
	from social_support.platforms import media_request
	from social_support.platforms.base import Media
	from social_support.platforms.hosts import sandbox_origin
	from social_support.platforms.media import MediaRefused, fetch

	png = b"\x89PNG\r\n\x1a\n" + b"p" * 64
	config = ChannelConfig(
		platform=WHATSAPP,
		account_id=wa.PHONE_NUMBER_ID,
		api_base_url=sandbox.url,
		credentials={"access_token": "wa-token"},
		timeout=3,
	)
	medium = Media(kind="image", media_id=sandbox.whatsapp.add_media(png, "image/png"), mime_type="image/png")
	request = media_request(config, medium)
	assert request.headers == {"Authorization": "Bearer wa-token"}
	got = fetch(
		request,
		platform=WHATSAPP,
		sandbox_origin=sandbox_origin(sandbox.url),
		max_bytes=1024,
		allowed_types=["image/png"],
	)
	assert got.data == png and got.mime_type == "image/png"
	# the same bytes without the token are refused by WhatsApp, and a type not allowed is refused here
	with pytest.raises(MediaRefused, match="401"):
		fetch(
			request.__class__(request.url),
			platform=WHATSAPP,
			sandbox_origin=sandbox_origin(sandbox.url),
			max_bytes=1024,
			allowed_types=["image/png"],
		)
	with pytest.raises(MediaRefused):
		fetch(
			media_request(config, medium),
			platform=WHATSAPP,
			sandbox_origin=sandbox_origin(sandbox.url),
			max_bytes=1024,
			allowed_types=["application/pdf"],
		)
	# without a media id nothing is asked of WhatsApp
	with pytest.raises(BadRequest):
		media_request(config, Media(kind="image"))
