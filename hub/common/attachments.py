"""Attachments: size-capped, type-checked by their content (not by the name or the
browser's word), stored in the database, served only as downloads.  Those of anonymous
items are cleaned of their metadata first (``hub.common.scrub``).

The types are those people have: PDF, pictures (phone photos in HEIC too), Office files old
(.doc/.xls, OLE2 compound files) and new (.docx/.xlsx/.pptx), WPS Office's .wps/.et (OLE2 or
ZIP), ZIP archives and plain text.  A HEIC photo is kept as it came for download and shown
converted to JPEG (``?view=jpeg``: browsers cannot show HEIC)."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from urllib.parse import quote

import filetype
import olefile
from babel.lists import format_list
from flask import Response, abort, current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from hub.common import scrub
from hub.common.models import Attachment
from hub.extensions import db

#: extension → MIME type the content must have (sniffed with ``filetype``).
ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "wps": "application/wps-office.wps",
    "et": "application/wps-office.et",
    "zip": "application/zip",
    "heic": "image/heic",
    "heif": "image/heif",
}
# Office files are ZIP containers; older filetype versions only say "zip".
_ZIP_FAMILY = {"application/zip", ALLOWED["docx"], ALLOWED["xlsx"], ALLOWED["pptx"]}
#: Older Office files: an OLE2 compound file holding the program's main stream.
_OLE2_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book")}
#: WPS Office writes its own types either as OLE2 (like .doc/.xls) or as a ZIP package.
_OLE2_OR_ZIP = {"wps", "et"}
_HEIF_FAMILY = {"image/heic", "image/heif"}


class AttachmentError(ValueError):
    """The message says, in the person's language, what is wrong with the file."""


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return "".join(ch for ch in name if ch.isprintable())[:200] or "attachment"


def is_ole2(data: bytes) -> bool:
    return data.startswith(olefile.MAGIC)


def is_zip(data: bytes) -> bool:
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    return True


def _ole2_holds(data: bytes, streams: tuple[str, ...] = ()) -> bool:
    """An OLE2 compound file that can be read and holds one of ``streams`` (if any)."""
    if not is_ole2(data):
        return False
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return not streams or any(ole.exists(name) for name in streams)
    except (OSError, ValueError, IndexError, EOFError):  # olefile's errors for a damaged file
        return False


def _content_matches(ext: str, data: bytes) -> bool:
    expected = ALLOWED[ext]
    if ext in _OLE2_STREAMS:
        return _ole2_holds(data, _OLE2_STREAMS[ext])
    if ext in _OLE2_OR_ZIP:
        return _ole2_holds(data) if is_ole2(data) else is_zip(data)
    if ext == "zip":
        return is_zip(data)
    if ext == "txt":
        if b"\x00" in data:
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                data.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    kind = filetype.guess(data)
    if kind is None:
        return False
    if expected in _ZIP_FAMILY:
        return kind.mime in _ZIP_FAMILY
    if expected in _HEIF_FAMILY:
        return kind.mime in _HEIF_FAMILY
    return kind.mime == expected


def store_upload(upload: FileStorage, today: date, *, clean: bool = False) -> Attachment:
    """Check and keep one uploaded file; raises ``AttachmentError``.

    ``clean``: the file belongs to an anonymous item, so its metadata (author, GPS
    position, camera, document properties, comment authors …) is removed before anything
    is stored, and a file that cannot be cleaned is refused.  What was removed is left on
    the upload as ``cleaned_of`` (see ``cleaning_summary``)."""
    filename = _safe_name(upload.filename or "")
    ext = _extension(filename)
    if ext not in ALLOWED:
        raise AttachmentError(_("不支持的文件类型：%(name)s（允许：%(types)s）", name=filename,
                                types=", ".join(sorted(ALLOWED))))
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise AttachmentError(_("文件是空的：%(name)s", name=filename))
    if len(data) > limit:
        raise AttachmentError(_("文件太大：%(name)s（上限 %(mb)s MB）", name=filename,
                                mb=limit // (1024 * 1024)))
    if not _content_matches(ext, data):
        raise AttachmentError(_("文件内容与类型不符：%(name)s", name=filename))
    if clean:
        try:
            cleaned = scrub.clean(ext, data)
        except scrub.CannotClean as error:
            raise AttachmentError(_("无法匿名提交附件 %(name)s：%(reason)s", name=filename,
                                    reason=error.args[0])) from None
        data = cleaned.data
        upload.cleaned_of = cleaned.removed
        if cleaned.ext and cleaned.ext != ext:  # a HEIC photo is kept as the JPEG it became
            filename, ext = filename[:-len(ext)] + cleaned.ext, cleaned.ext
    attachment = Attachment(filename=filename, content_type=ALLOWED[ext], size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), data=data,
                            created_on=today)
    db.session.add(attachment)
    return attachment


def store_uploads(uploads: list[FileStorage], today: date, *,
                  clean: bool = False) -> list[Attachment]:
    files = [u for u in uploads if u and u.filename]
    if len(files) > current_app.config["ATTACHMENT_MAX_FILES"]:
        raise AttachmentError(_("最多上传 %(n)s 个附件。", n=current_app.config["ATTACHMENT_MAX_FILES"]))
    return [store_upload(f, today, clean=clean) for f in files]


def cleaning_summary(uploads: list[FileStorage] | None) -> str | None:
    """What was removed from each attachment of an anonymous filing, to tell the filer
    (None when no attachment was cleaned)."""
    parts = []
    for upload in uploads or []:
        removed = getattr(upload, "cleaned_of", None)
        if removed is None:
            continue
        name = _safe_name(upload.filename or "")
        if removed:
            parts.append(_("附件 %(name)s 已移除：%(what)s", name=name,
                           what=format_list(scrub.describe(removed), locale=get_locale())))
        else:
            parts.append(_("附件 %(name)s 中没有发现作者、位置等信息。", name=name))
    return "；".join(parts) if parts else None


def viewable_as_jpeg(attachment: Attachment) -> bool:
    """A picture browsers cannot show (HEIC), offered converted for viewing."""
    return attachment.content_type in _HEIF_FAMILY


def heic_as_jpeg(data: bytes) -> bytes:
    """A HEIC/HEIF photo as a JPEG, turned upright, without the photo's metadata."""
    from PIL import Image, ImageOps
    from pillow_heif import register_heif_opener

    register_heif_opener()
    with Image.open(io.BytesIO(data)) as source:
        upright = ImageOps.exif_transpose(source)
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=90)
    return out.getvalue()


def download_response(attachment: Attachment) -> Response:
    """The file as a download that the browser will neither render nor sniff; with
    ``?view=jpeg`` a HEIC photo converted to JPEG, shown in the browser."""
    data, mimetype, filename, disposition = (attachment.data, attachment.content_type,
                                             attachment.filename, "attachment")
    if request.args.get("view") == "jpeg":
        if not viewable_as_jpeg(attachment):
            abort(404)
        try:
            data = heic_as_jpeg(attachment.data)
        except (OSError, ValueError, SyntaxError, EOFError):  # a photo Pillow cannot read
            abort(404)
        mimetype, disposition = "image/jpeg", "inline"
        filename = filename.rsplit(".", 1)[0] + ".jpg"
    response = Response(data, mimetype=mimetype)
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "")
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response
