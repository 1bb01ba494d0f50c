"""What an uploaded file really is, judged by its content rather than its name."""

import mimetypes

import puremagic
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Labels a practitioner recognises, shown beside the download size.
TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _("Word document"),
    "application/msword": _("Word document"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.ms-powerpoint": _("PowerPoint slides"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _("Excel spreadsheet"),
    "application/vnd.oasis.opendocument.text": _("OpenDocument text"),
    "application/vnd.oasis.opendocument.presentation": _("OpenDocument slides"),
    "application/epub+zip": _("EPUB book"),
    "audio/mpeg": _("MP3 audio"),
    "video/mp4": _("MP4 video"),
    "image/png": _("PNG image"),
    "image/jpeg": _("JPEG image"),
    "text/plain": _("Text"),
}


def sniff_content_type(file) -> str:
    """The MIME type read from the first bytes of ``file``; the name is only a tie-breaker."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(8192)
    finally:
        file.seek(position)
    name = getattr(file, "name", "") or ""
    try:
        matches = puremagic.magic_string(head, filename=name)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        # A match on the name alone (no byte signature) proves nothing about the content.
        if match.mime_type and match.byte_match:
            return match.mime_type
    guessed, _ = mimetypes.guess_type(name)
    if guessed == "text/plain" and _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def type_label(content_type: str) -> str:
    label = TYPE_LABELS.get(content_type)
    if label is not None:
        return str(label)
    return content_type.split("/")[-1].upper() or gettext("File")
