"""What an uploaded file really is, judged by its content rather than its name."""

import mimetypes

import puremagic

# Labels a practitioner recognises, shown beside the download size.
TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/msword": "Word document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.ms-powerpoint": "PowerPoint slides",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument slides",
    "application/epub+zip": "EPUB book",
    "audio/mpeg": "MP3 audio",
    "video/mp4": "MP4 video",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "text/plain": "Text",
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
    return TYPE_LABELS.get(content_type, content_type.split("/")[-1].upper() or "File")
