"""Metadata cleaning of the attachments of anonymous letters and reports.

A photo carries the camera, the time and often the GPS position it was taken at; a PDF its
author and the program's XMP packet; an Office file the author, the last editor, the
company and the names of everyone who commented or tracked a change.  Any of these can name
an anonymous filer, so an anonymous item's attachments are rewritten without them before
they are stored (``hub.common.attachments.store_upload(clean=True)``):

* images (JPEG, PNG, GIF, WebP) are re-saved by Pillow from their pixels only — the EXIF
  orientation applied first, so the picture still stands the right way up — keeping only
  the colour profile and what animation needs;
* PDFs are rewritten by pikepdf (qpdf): no document information dictionary, no XMP packet
  (of the document or of any object), no page-piece data, no annotation authors; the JPEG
  pictures inside (``/DCTDecode`` image streams) lose their EXIF, XMP, IPTC and comment
  segments byte for byte (the compressed pixels stay as they are), JPEG 2000 pictures their
  XML and UUID boxes; only the objects still referenced are written, so earlier revisions
  of the metadata go too;
* Office Open XML (.docx, .xlsx, .pptx) is a ZIP re-written member by member: empty
  ``docProps/core.xml``/``app.xml``/``custom.xml``, no author, initials or user id in any
  part (comments, tracked changes, ``people.xml``, workbook comment authors, presentation
  comment authors), no template path, pictures inside cleaned as above, and every member
  dated 1980-01-01 without the ZIP's extra fields (which hold times and user ids);
* a HEIC/HEIF phone photo becomes a JPEG re-drawn from its pixels (upright, without the
  EXIF with the GPS position, the camera and the time): the anonymous item keeps the JPEG;
* WPS Office files written as a ZIP package are cleaned as Office Open XML;
* plain text has no metadata.

Refused on anonymous items, whatever they hold: older Office and WPS files in OLE2 compound
files (.doc, .xls, .wps, .et), which keep the author and the last editor in their
SummaryInformation streams and the program's own tables (the filer is asked to save them as
.docx/.xlsx or .pdf), and ZIP archives, which may contain anything.

A file that cannot be read this way (damaged, encrypted, too large once unpacked) is
refused with ``CannotClean``, whose message says why: storing it as it came could name the
filer.  ``Cleaned.removed`` says what was taken out (``describe`` puts it in words).
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

# What can be removed, in the order the filer is told it (one word or two each).
AUTHOR, GPS, CAMERA, TAKEN_AT = "author", "gps", "camera", "taken_at"
COMMENT_AUTHORS, DOC_INFO, CUSTOM, TEMPLATE = "comment_authors", "doc_info", "custom", "template"
XMP, EXIF, IMAGE_TEXT, EMBEDDED = "xmp", "exif", "image_text", "embedded"
LABELS = {
    AUTHOR: _l("作者"),
    GPS: _l("GPS 位置"),
    CAMERA: _l("拍摄设备"),
    TAKEN_AT: _l("拍摄时间"),
    COMMENT_AUTHORS: _l("批注和修订的作者"),
    DOC_INFO: _l("文档属性"),
    CUSTOM: _l("自定义属性"),
    TEMPLATE: _l("模板路径"),
    XMP: _l("XMP 元数据"),
    EXIF: _l("其他 EXIF 信息"),
    IMAGE_TEXT: _l("图片中的文字说明"),
    EMBEDDED: _l("内嵌图片的元数据"),
}
ORDER = list(LABELS)


def describe(removed: list[str]) -> list[str]:
    """The filer's words for what was removed, in a fixed order."""
    return [str(LABELS[key]) for key in sorted(removed, key=ORDER.index)]


#: An Office file may unpack to at most this many bytes (a ZIP bomb is refused).
MAX_UNPACKED = 200 * 1024 * 1024
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
OFFICE = {"docx", "xlsx", "pptx"}
HEIF = {"heic", "heif"}
WPS = {"wps", "et"}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class CannotClean(ValueError):
    """The file could not be cleaned; the message says why, in the filer's language."""


@dataclass
class Cleaned:
    data: bytes
    #: keys of ``LABELS``: what the file held and lost
    removed: list[str] = field(default_factory=list)
    #: the type the file became, when cleaning it converted it (a HEIC photo: ``jpg``)
    ext: str | None = None

    def note(self, *keys: str) -> None:
        for key in keys:
            if key not in self.removed:
                self.removed.append(key)


def clean(ext: str, data: bytes) -> Cleaned:
    """``data`` (of type ``ext``, already checked to match it) without its metadata."""
    ext = ext.lower()
    if ext == "txt":
        return Cleaned(data)
    if ext in IMAGE_FORMATS:
        return clean_image(data, IMAGE_FORMATS[ext])
    if ext == "pdf":
        return clean_pdf(data)
    if ext in OFFICE:
        return clean_office(data)
    if ext in HEIF:
        return clean_heif(data)
    if data.startswith(OLE2_MAGIC):
        raise CannotClean(_l("旧版 Office 或 WPS 文件（.doc、.xls、.wps、.et）在文件属性中记录"
                             "作者和最后修改人，无法清除；匿名提交请先另存为 .docx、.xlsx 或 "
                             ".pdf 再上传。"))
    if ext in WPS:
        return clean_office(data)  # a WPS file written as a ZIP package
    if ext == "zip":
        raise CannotClean(_l("压缩包可能含有任何文件，无法检查并清除其中的作者等信息；匿名提交"
                             "请直接上传其中的文件。"))
    raise CannotClean(_l("这种类型的文件无法清除作者、位置等信息，匿名提交不能附带它。"))


# --- images ----------------------------------------------------------------------------

#: EXIF tags (of the main IFD and the Exif sub-IFD) by what they give away.
_EXIF_AUTHOR = {0x013B, 0x8298, 0x9C9D, 0xA430}  # Artist, Copyright, XPAuthor, CameraOwner
_EXIF_CAMERA = {0x010F, 0x0110, 0xA431, 0xA433, 0xA434, 0xA435}  # make, model, serials, lens
_EXIF_TIME = {0x0132, 0x9003, 0x9004}  # DateTime, DateTimeOriginal, DateTimeDigitized
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION = 0x0112
#: ``Image.info`` keys that are pixels' business, not the author's.
_KEEP_INFO = {"icc_profile", "transparency", "duration", "loop", "background", "disposal"}


def _image_findings(image, cleaned: Cleaned) -> None:
    exif = image.getexif()
    tags = set(exif) - {_ORIENTATION, _EXIF_IFD, _GPS_IFD}
    sub = exif.get_ifd(_EXIF_IFD) if _EXIF_IFD in exif else {}
    tags |= set(sub)
    if exif.get_ifd(_GPS_IFD) if _GPS_IFD in exif else None:
        cleaned.note(GPS)
    if tags & _EXIF_AUTHOR:
        cleaned.note(AUTHOR)
    if tags & _EXIF_CAMERA:
        cleaned.note(CAMERA)
    if tags & _EXIF_TIME:
        cleaned.note(TAKEN_AT)
    if tags - _EXIF_AUTHOR - _EXIF_CAMERA - _EXIF_TIME:
        cleaned.note(EXIF)
    info = image.info
    if "xmp" in info or "XML:com.adobe.xmp" in info:
        cleaned.note(XMP)
    if info.get("comment") or any(
            isinstance(v, str) and k not in ("XML:com.adobe.xmp",) for k, v in info.items()):
        cleaned.note(IMAGE_TEXT)


#: PNG chunks that draw the picture (animation and colour included); every other one —
#: text, XMP, EXIF, the time of the last change, a program's private data — is dropped.
_PNG_PICTURE_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP",
                       b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"pHYs", b"bKGD", b"hIST",
                       b"acTL", b"fcTL", b"fdAT"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunks(data: bytes) -> bytes:
    """The PNG with only its picture chunks: the pixels stay byte for byte."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    kept, offset = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while offset < len(data):
        if offset + 12 > len(data):
            raise ValueError("truncated chunk")
        length = int.from_bytes(data[offset:offset + 4], "big")
        kind = data[offset + 4:offset + 8]
        end = offset + 12 + length
        if end > len(data) or zlib.crc32(data[offset + 4:end - 4]) != int.from_bytes(
                data[end - 4:end], "big"):
            raise ValueError("damaged chunk")
        if kind in _PNG_PICTURE_CHUNKS:
            kept.append(data[offset:end])
        offset = end
        if kind == b"IEND":
            break
    return b"".join(kept)


def clean_image(data: bytes, fmt: str) -> Cleaned:
    from PIL import Image, ImageOps, UnidentifiedImageError

    cleaned = Cleaned(b"")
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.format != fmt:
                raise CannotClean(_l("图片格式与文件名不符，无法清除其中的信息。"))
            source.load()
            _image_findings(source, cleaned)
            if fmt == "PNG" and source.getexif().get(_ORIENTATION, 1) == 1:
                # Nothing to turn: drop the chunks that are not the picture, pixels untouched.
                cleaned.data = _png_chunks(data)
                return cleaned
            keep = {k: v for k, v in source.info.items() if k in _KEEP_INFO}
            frames = getattr(source, "n_frames", 1)
            out = io.BytesIO()
            if frames > 1:
                # Animated GIF/WebP: every frame from its pixels; there is nothing to turn.
                source.info = dict(keep)
                options = {"save_all": True, **keep}
                if fmt == "WEBP":
                    options.update(lossless=True, exif=b"", xmp=b"")
                source.save(out, fmt, **options)
            else:
                # a copy, turned the way the EXIF orientation says, then without any of it
                upright = ImageOps.exif_transpose(source)
                upright.info = dict(keep)
                options = dict(keep)
                if fmt == "JPEG":
                    options.update(quality=95)
                    if upright.mode not in ("RGB", "L", "CMYK"):
                        upright = upright.convert("RGB")
                elif fmt == "WEBP":
                    options.update(lossless=True, exif=b"", xmp=b"")
                upright.save(out, fmt, **options)
    except CannotClean:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, EOFError) as error:
        raise _unreadable_image(error) from None
    cleaned.data = out.getvalue()
    return cleaned


def _unreadable_image(error: Exception) -> CannotClean:
    return CannotClean(_l("图片无法读取（%(error)s），无法清除其中的位置等信息。",
                          error=type(error).__name__))


def clean_heif(data: bytes) -> Cleaned:
    """A HEIC/HEIF photo as a JPEG from its pixels only (turned upright first)."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    from pillow_heif import register_heif_opener

    register_heif_opener()
    cleaned = Cleaned(b"", ext="jpg")
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.format not in ("HEIF", "AVIF"):
                raise CannotClean(_l("图片格式与文件名不符，无法清除其中的信息。"))
            source.load()
            _image_findings(source, cleaned)
            upright = ImageOps.exif_transpose(source)
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            upright.info = {}
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=95)
    except CannotClean:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, EOFError) as error:
        raise _unreadable_image(error) from None
    cleaned.data = out.getvalue()
    return cleaned


# --- PDF -------------------------------------------------------------------------------

_PDF_AUTHOR_KEYS = {"/Author", "/Creator"}

#: JPEG segments that draw the picture: JFIF's header, the colour profile and Adobe's colour
#: transform flag (without which a CMYK picture comes out wrong).  Every other APPn segment
#: (EXIF with the GPS position and the camera, XMP, Photoshop's IPTC with the author…) and
#: every comment goes.
_JPEG_KEEP_APP = {0xE0: b"JFIF\0", 0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}
#: Markers without a length: SOI, EOI, RST0–7, TEM.
_JPEG_STANDALONE = {0xD8, 0xD9, 0x01, *range(0xD0, 0xD8)}
#: JPEG 2000 boxes that hold text about the picture rather than the picture: XML (XMP),
#: UUID (XMP and EXIF by convention) and the UUID info box.
_JP2_TEXT_BOXES = {b"xml ", b"uuid", b"uinf"}


def _jpeg_without_metadata(data: bytes) -> tuple[bytes, bool]:
    """A JPEG stream without its metadata segments, and whether it had any.  Segments are
    copied or dropped one by one up to the end of the picture (anything after it goes
    too); the scans themselves stay byte for byte.  ``ValueError`` when the stream is not a
    JPEG."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    kept, dropped, offset = [b"\xff\xd8"], False, 2
    while True:
        if offset + 2 > len(data) or data[offset] != 0xFF:
            raise ValueError("damaged JPEG")
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in _JPEG_STANDALONE:
            kept.append(data[offset:offset + 2])
            offset += 2
            if marker == 0xD9:
                return b"".join(kept), dropped
            continue
        if offset + 4 > len(data):
            raise ValueError("truncated JPEG")
        end = offset + 2 + int.from_bytes(data[offset + 2:offset + 4], "big")
        if end > len(data) or end < offset + 4:
            raise ValueError("truncated JPEG")
        segment = data[offset:end]
        if marker == 0xDA:
            # a scan: its entropy-coded data runs to the next marker that is neither a
            # stuffed 0xFF00 nor a restart (a progressive picture has several scans)
            scan = end
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan + 1 >= len(data):
                    raise ValueError("truncated scan")
                if data[scan + 1] == 0x00 or 0xD0 <= data[scan + 1] <= 0xD7:
                    scan += 2
                    continue
                break
            kept.append(data[offset:scan])
            offset = scan
            continue
        keep = _JPEG_KEEP_APP.get(marker)
        if marker == 0xFE or (0xE0 <= marker <= 0xEF and (
                keep is None or not segment[4:].startswith(keep))):
            dropped = True
        else:
            kept.append(segment)
        offset = end


def _jp2_without_metadata(data: bytes) -> tuple[bytes, bool]:
    """A JPEG 2000 file without its top-level XML/UUID boxes (a bare codestream has none)."""
    if data.startswith(b"\xff\x4f\xff\x51"):
        return data, False
    kept, dropped, offset = [], False, 0
    while offset < len(data):
        if offset + 8 > len(data):
            raise ValueError("truncated box")
        length = int.from_bytes(data[offset:offset + 4], "big")
        kind = data[offset + 4:offset + 8]
        header = 8
        if length == 1:
            if offset + 16 > len(data):
                raise ValueError("truncated box")
            length, header = int.from_bytes(data[offset + 8:offset + 16], "big"), 16
        end = len(data) if length == 0 else offset + length
        if end > len(data) or end < offset + header:
            raise ValueError("damaged box")
        if kind in _JP2_TEXT_BOXES:
            dropped = True
        else:
            kept.append(data[offset:end])
        offset = end
    return b"".join(kept), dropped


def _filters(stream) -> list[str]:
    import pikepdf

    found = stream.get("/Filter")
    if found is None:
        return []
    if isinstance(found, pikepdf.Array):
        return [str(name) for name in found]
    return [str(found)]


def _clean_pdf_image(stream) -> bool:
    """Take the metadata out of one image XObject's JPEG or JPEG 2000 data; whether there
    was any.  A picture whose data is compressed once more (``[/FlateDecode /DCTDecode]``)
    is unpacked first and stored with the picture's own filter only."""
    import pikepdf

    filters = _filters(stream)
    if not filters or filters[-1] not in ("/DCTDecode", "/JPXDecode"):
        return False
    data = stream.read_raw_bytes()
    parms = stream.get("/DecodeParms")
    for name in filters[:-1]:
        if name not in ("/FlateDecode", "/Fl"):
            raise ValueError(f"image filter {name}")
        data = zlib.decompress(data)
    strip = _jpeg_without_metadata if filters[-1] == "/DCTDecode" else _jp2_without_metadata
    data, dropped = strip(data)
    if dropped or len(filters) > 1:
        last = parms[-1] if isinstance(parms, pikepdf.Array) and len(parms) else None
        stream.write(data, filter=pikepdf.Name(filters[-1]),
                     decode_parms=last if isinstance(last, pikepdf.Dictionary) else None)
    return dropped


def clean_pdf(data: bytes) -> Cleaned:
    import pikepdf

    cleaned = Cleaned(b"")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            info = pdf.trailer.get("/Info")
            if info is not None:
                keys = {str(k) for k, v in info.items() if str(v).strip()}
                if "/Author" in keys:
                    cleaned.note(AUTHOR)
                if keys - {"/Author"}:
                    cleaned.note(DOC_INFO)
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    continue
                if "/Metadata" in obj:
                    del obj["/Metadata"]
                    cleaned.note(XMP)
                if "/PieceInfo" in obj:
                    del obj["/PieceInfo"]
                    cleaned.note(DOC_INFO)
                if obj.get("/Type") == pikepdf.Name.Annot and "/T" in obj:
                    del obj["/T"]
                    cleaned.note(COMMENT_AUTHORS)
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == \
                        pikepdf.Name.Image and _clean_pdf_image(obj):
                    cleaned.note(EMBEDDED)
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
    except pikepdf.PasswordError:
        raise CannotClean(_l("PDF 已加密，无法清除其中的作者等信息；请去掉密码后再上传。")) \
            from None
    except (pikepdf.PdfError, ValueError, RuntimeError, zlib.error) as error:
        raise CannotClean(_l("PDF 文件已损坏（%(error)s），无法清除其中的作者等信息。",
                             error=type(error).__name__)) from None
    cleaned.data = out.getvalue()
    return cleaned


# --- Office Open XML -------------------------------------------------------------------

_EMPTY_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
               b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
               b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
               b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
               b'XMLSchema-instance"/>')
_EMPTY_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
              b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
              b'extended-properties"/>')
_EMPTY_CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                 b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'custom-properties"/>')
_PROPERTY_PARTS = {"docprops/core.xml": _EMPTY_CORE, "docprops/app.xml": _EMPTY_APP,
                   "docprops/custom.xml": _EMPTY_CUSTOM}
#: Attributes (any namespace prefix) that name a person in comments, tracked changes,
#: ``people.xml``, threaded comments' persons and presentation comment authors.
_PERSON_ATTRS = re.compile(
    rb'(\s(?:[\w.-]+:)?(?:author|initials|userId|providerId|displayName|lastModifiedBy))'
    rb'="[^"]*"')
#: Elements whose text is a person's name: the workbook's comment authors.
_PERSON_ELEMENTS = re.compile(rb"(<(?:[\w.-]+:)?author>)[^<]*(</(?:[\w.-]+:)?author>)")
#: ``name`` attributes are a person's only in the presentation's comment authors.
_CM_AUTHOR_NAME = re.compile(rb'(<(?:[\w.-]+:)?cmAuthor\b[^>]*?\sname)="[^"]*"')
#: A template or other file on the writer's disk (C:\Users\<login>\…) in a relationship.
_FILE_TARGET = re.compile(rb'(\sTarget)="file:[^"]*"', re.IGNORECASE)
_MEDIA = re.compile(r"(^|/)media/[^/]+\.(jpe?g|png|gif|webp)$", re.IGNORECASE)


def _properties_findings(name: str, xml: bytes, cleaned: Cleaned) -> None:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        cleaned.note(DOC_INFO)
        return
    filled = {el.tag.rsplit("}", 1)[-1]: (el.text or "").strip() for el in root.iter()
              if el is not root and (el.text or "").strip()}
    if name == "docprops/core.xml":
        if filled.get("creator") or filled.get("lastModifiedBy"):
            cleaned.note(AUTHOR)
        if set(filled) - {"creator", "lastModifiedBy"}:
            cleaned.note(DOC_INFO)
    elif name == "docprops/app.xml":
        if filled.get("Company") or filled.get("Manager"):
            cleaned.note(DOC_INFO)
    elif len(root):
        cleaned.note(CUSTOM)


def _clean_part(name: str, data: bytes, cleaned: Cleaned) -> bytes:
    lower = name.lower()
    if lower in _PROPERTY_PARTS:
        _properties_findings(lower, data, cleaned)
        return _PROPERTY_PARTS[lower]
    if _MEDIA.search(name):
        ext = name.rsplit(".", 1)[-1].lower()
        inner = clean_image(data, IMAGE_FORMATS[ext])
        if inner.removed:
            cleaned.note(EMBEDDED)
        return inner.data
    if not lower.endswith((".xml", ".rels")):
        return data
    changed = _PERSON_ATTRS.sub(lambda m: m.group(1) + b'=""', data)
    changed = _PERSON_ELEMENTS.sub(lambda m: m.group(1) + m.group(2), changed)
    changed = _CM_AUTHOR_NAME.sub(lambda m: m.group(1) + b'=""', changed)
    if changed != data:
        cleaned.note(COMMENT_AUTHORS)
    if lower.endswith(".rels"):
        targets = _FILE_TARGET.sub(lambda m: m.group(1) + b'="file:///"', changed)
        if targets != changed:
            cleaned.note(TEMPLATE)
        changed = targets
    return changed


def clean_office(data: bytes) -> Cleaned:
    cleaned = Cleaned(b"")
    broken = _l("Office 文件已损坏，无法清除其中的作者等信息。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            members = source.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                raise CannotClean(_l("Office 文件解压后过大，无法检查其中的作者等信息。"))
            if not any(m.filename == "[Content_Types].xml" for m in members):
                raise CannotClean(broken)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for member in members:
                    if member.is_dir():
                        continue
                    part = _clean_part(member.filename, source.read(member), cleaned)
                    info = zipfile.ZipInfo(member.filename, date_time=ZIP_EPOCH)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o600 << 16
                    target.writestr(info, part)
    except CannotClean:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        raise CannotClean(broken) from None
    cleaned.data = out.getvalue()
    return cleaned
