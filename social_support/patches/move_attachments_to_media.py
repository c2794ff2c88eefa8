"""Social Message.attachments (media links, one a line) became Social Message.media (typed JSON).

Each stored link is cleaned again (``platforms.base.clean_media``: only the platform's media hosts)
and recorded as a medium whose kind its path shows (a photo or a video by extension, else a file);
the old column is emptied, and left in place (Frappe does not drop columns) until a site trims it.
"""

import frappe

from social_support.ingest.media import media_json
from social_support.platforms.base import MEDIA_FILE, MEDIA_IMAGE, MEDIA_VIDEO, Media, clean_media

BATCH = 2000
IMAGE_EXT = (".jpg", ".jpeg", ".png", ".gif", ".webp")
VIDEO_EXT = (".mp4", ".mov", ".m3u8", ".webm")


def kind_of(url: str) -> str:
	path = url.split("?", 1)[0].lower()
	if path.endswith(IMAGE_EXT) or ("/media/" in path and "twimg" in url):
		return MEDIA_IMAGE
	if path.endswith(VIDEO_EXT):
		return MEDIA_VIDEO
	return MEDIA_FILE


def execute():
	if not frappe.db.has_column("Social Message", "attachments"):
		return
	while True:
		rows = frappe.db.sql(
			"""select name, platform, attachments, media from `tabSocial Message`
			where attachments is not null and attachments != '' limit %s""",
			(BATCH,),
			as_dict=True,
		)
		if not rows:
			return
		for r in rows:
			media = clean_media(
				r.platform, [Media(kind_of(u), url=u.strip()) for u in r.attachments.splitlines()]
			)
			values = {"attachments": None}
			if not r.media:
				values["media"] = media_json(media)
			frappe.db.sql(
				"update `tabSocial Message` set attachments=null{} where name=%s".format(
					", media=%s" if "media" in values else ""
				),
				((values["media"], r.name) if "media" in values else (r.name,)),
			)
		frappe.db.commit()
