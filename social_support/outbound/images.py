"""An image on a reply: one of the ticket's own files, checked where the reply is written, bound to
the approvals, and checked again right before the platform call.

The agent picks an image File attached to the ticket (a customer's downloaded photo, or one they
uploaded there). ``for_reply`` refuses, before anything is stored: a file that is not the ticket's
or that the agent may not read, bytes that are not an image the platform takes, and a platform or
reply mode that cannot carry an image (``platforms.limits.image_refusal``). The reply keeps the
file's URL (``image``, shown to approvers as a preview) and the SHA-256 of its bytes (``image_hash``);
approvals are given to the text *and* that hash, and ``for_send`` reads the bytes again and refuses
them when they are no longer the ones approved.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _

from social_support.platforms.base import OutboundImage
from social_support.platforms.limits import image_refusal
from social_support.platforms.media import sniff

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff")


def digest(data: bytes) -> str:
	return hashlib.sha256(data).hexdigest()


def _ticket_file(reference_doctype: str, reference_name: str, file_url: str):
	name = frappe.db.get_value(
		"File",
		{
			"file_url": file_url,
			"attached_to_doctype": reference_doctype,
			"attached_to_name": reference_name,
			"is_folder": 0,
		},
		"name",
	)
	return frappe.get_doc("File", name) if name else None


def _image_of(file) -> OutboundImage:
	data = file.get_content()
	if isinstance(data, str):
		data = data.encode()
	kinds = [k for k in sniff(data[:64]) if k in IMAGE_TYPES]
	if not kinds:
		frappe.throw(_("{0} is not an image.").format(frappe.utils.escape_html(file.file_name or "")))
	return OutboundImage(data=data, mime_type=kinds[0], file_name=file.file_name or "image")


def for_reply(route, file_url: str | None, user: str) -> tuple[str, str] | None:
	"""(file URL, SHA-256) of the image that goes with a reply on ``route``, or None without one.
	Throws, before anything is stored, when it cannot go."""
	if not file_url:
		return None
	login = frappe.get_cached_value("Social Channel", route.channel, "instagram_login")
	refusal = image_refusal(route.platform, route.mode, login=login)
	if refusal:
		frappe.throw(_("The image cannot be sent: {0}.").format(_(refusal)), title=_("Reply not sent"))
	file = _ticket_file(route.reference_doctype, route.reference_name, file_url)
	if not file or not frappe.has_permission("File", "read", doc=file, user=user):
		frappe.throw(_("The image must be one of this ticket's files."), frappe.PermissionError)
	image = _image_of(file)
	refusal = image_refusal(route.platform, route.mode, image, login=login)
	if refusal:
		frappe.throw(_("The image cannot be sent: {0}.").format(_(refusal)), title=_("Reply not sent"))
	return file.file_url, digest(image.data)


def for_send(reply) -> OutboundImage | None:
	"""The reply's image as approved, read again right before the platform call (None without one).
	Raises frappe.ValidationError when the file is gone or its bytes changed."""
	if not reply.get("image"):
		return None
	file = _ticket_file(reply.reference_doctype, reply.reference_name, reply.image)
	if not file:
		frappe.throw(_("The reply's image is no longer one of the ticket's files."))
	image = _image_of(file)
	if digest(image.data) != reply.image_hash:
		frappe.throw(_("The reply's image is not the image that was approved."))
	return image
