"""Attachments of anonymous letters and reports lose what could name the filer — the author
of an Office file or a PDF, a photo's GPS position and camera — before they are stored;
a file that cannot be cleaned is refused, and the filer is told what was removed.

The files are built here the way the programs people use write them (an Office file is a
ZIP of XML parts, stored uncompressed so that a name left in it would show in the bytes)."""
from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import func, select

from hub.common import scrub
from hub.common.models import Attachment
from hub.extensions import db
from tests.conftest import csrf_token

NAME = "何磊 sales1"
#: What must not survive anywhere in a cleaned file, in any encoding a format uses.
TRACES = ("何磊", "sales1", "HL-initials", "corp.example", "31.2304")


def traces(data: bytes) -> list[str]:
    found = []
    for trace in TRACES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if trace.encode(encoding) in data:
                found.append(f"{trace} ({encoding})")
    return found


# --- the files -------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W15 = 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'


def docx_file() -> bytes:
    """A Word document as Word writes one: author and last editor in core.xml, company in
    app.xml, a custom property, a tracked change and a comment by the author, people.xml
    with the sign-in id, and a template path on the writer's disk."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
            'word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http:'
            '//schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties'
            '" Target="docProps/core.xml"/></Relationships>'),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:p><w:r><w:t>'
            f'食堂的菜太咸了</w:t></w:r><w:ins w:id="1" w:author="{NAME}" w:date="2026-03-01T'
            '09:00:00Z"><w:r><w:t>（补充）</w:t></w:r></w:ins><w:commentRangeStart w:id="0"/>'
            '</w:p></w:body></w:document>'),
        "word/comments.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:comments {W}><w:comment w:id="0" '
            f'w:author="{NAME}" w:initials="HL-initials" w:date="2026-03-01T09:00:00Z"><w:p>'
            '<w:r><w:t>请核实</w:t></w:r></w:p></w:comment></w:comments>'),
        "word/people.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w15:people {W15}><w15:person '
            f'w15:author="{NAME}"><w15:presenceInfo w15:providerId="AD" '
            'w15:userId="S::sales1@corp.example::1234"/></w15:person></w15:people>'),
        "word/_rels/settings.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'attachedTemplate" Target="file:///C:\\Users\\sales1\\Templates\\Normal.dotm" '
            'TargetMode="External"/></Relationships>'),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://'
            'schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="'
            'http://purl.org/dc/elements/1.1/"><dc:title>食堂</dc:title>'
            f'<dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{NAME}</cp:lastModifiedBy>'
            '</cp:coreProperties>'),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/extended-properties"><Company>'
            'corp.example 华东销售组</Company><Application>Microsoft Office Word'
            '</Application></Properties>'),
        "docProps/custom.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
            'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid='
            '"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="工号"><vt:lpwstr>sales1'
            '</vt:lpwstr></property></Properties>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 3, 1, 9, 0, 0)),
                             text.encode())
    data = out.getvalue()
    assert traces(data)  # the name is there to be found before cleaning
    return data


def pdf_file() -> bytes:
    """A PDF with /Author and the other document information, and an XMP packet."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = NAME
    pdf.docinfo["/Creator"] = "Microsoft Word - sales1"
    pdf.docinfo["/Title"] = "食堂"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [NAME]
        meta["xmp:CreatorTool"] = "sales1 on corp.example"
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    data = out.getvalue()
    assert traces(data)
    return data


def jpeg_file() -> bytes:
    """A photo as a phone writes it: taken sideways (orientation 6), with the artist,
    the owner's name in XPAuthor, the camera, the time, the GPS position, a comment and
    an XMP packet."""
    image = Image.new("RGB", (60, 40), "white")
    image.paste((200, 0, 0), (0, 0, 30, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x013B] = "sales1"  # Artist (ASCII only)
    exif[0x9C9D] = NAME.encode("utf-16-le") + b"\0\0"  # XPAuthor
    exif[0x010F], exif[0x0110] = "Huawei", "P60"
    exif[0x0132] = "2026:03:01 09:00:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (31.0, 13.0, 49.0), "E", (121.0, 28.0, 20.0)
    gps[27] = b"ASCII\0\0\x0031.2304,121.4737"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"sales1",
               xmp=f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{NAME}</x:xmpmeta>'.encode())
    data = out.getvalue()
    assert traces(data)
    return data


# --- through the filing pages ----------------------------------------------------------

def signed_in(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def file_report(client, files, anonymous="anonymous"):
    return client.post("/suggestions/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/suggestions/new"), "kind": "complaint",
        "subject": "食堂问题", "body": "食堂的菜太咸了。", "anonymous": anonymous,
        "attachments": [(io.BytesIO(data), name) for name, data in files]})


def stored() -> dict[str, bytes]:
    return {a.filename: a.data for a in db.session.scalars(select(Attachment))}


def test_an_anonymous_complaints_files_come_out_clean(app, demo, login):
    client = signed_in(app, login, demo["sales1"])
    response = file_report(client, [
        ("说明.docx", docx_file()), ("证据.pdf", pdf_file()), ("现场.jpg", jpeg_file())])
    assert response.status_code == 302
    response = client.get(response.headers["Location"])  # the receipt page, once
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The filer is told, file by file, what was taken out.
    notes = re.sub(r"\s+", " ", html)
    assert ("附件 说明.docx 已移除：作者、批注和修订的作者、文档属性、自定义属性和模板路径；"
            "附件 证据.pdf 已移除：作者、文档属性和XMP 元数据；"
            "附件 现场.jpg 已移除：作者、GPS 位置、拍摄设备、拍摄时间、XMP 元数据和"
            "图片中的文字说明") in notes

    files = stored()
    assert set(files) == {"说明.docx", "证据.pdf", "现场.jpg"}
    for name, data in files.items():
        assert traces(data) == [], name

    with zipfile.ZipFile(io.BytesIO(files["说明.docx"])) as docx:
        members = {info.filename: docx.read(info) for info in docx.infolist()}
        assert {info.date_time for info in docx.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    for member, data in members.items():
        assert traces(data) == [], member
    assert "食堂的菜太咸了" in members["word/document.xml"].decode()  # the text stays
    assert b"creator" not in members["docProps/core.xml"]
    assert members["[Content_Types].xml"].startswith(b"<?xml")

    with pikepdf.open(io.BytesIO(files["证据.pdf"])) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                assert traces(obj.read_bytes()) == []

    with Image.open(io.BytesIO(files["现场.jpg"])) as photo:
        assert photo.size == (40, 60)  # turned upright, as the camera meant it
        assert dict(photo.getexif()) == {}
        assert not {"exif", "xmp", "comment"} & set(photo.info)
        assert photo.getpixel((20, 5))[0] > 150 and photo.getpixel((20, 55))[1] > 150


def test_a_file_that_cannot_be_cleaned_is_refused_and_nothing_is_filed(app, demo, login):
    client = signed_in(app, login, demo["sales1"])
    broken = b"%PDF-1.7\n1 0 obj << /Author (" + NAME.encode() + b") >>\n%%garbage"
    response = client.post("/mailbox/write", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/mailbox/write"), "subject": "食堂",
        "category": "complaint", "body": "食堂的菜太咸了。", "anonymous": "anonymous",
        "attachments": [(io.BytesIO(broken), "证据.pdf")]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "无法匿名提交附件 证据.pdf" in html and "PDF 文件已损坏" in html
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_named_filings_files_are_kept_as_they_came(app, demo, login):
    original = docx_file()
    response = file_report(signed_in(app, login, demo["sales1"]), [("说明.docx", original)],
                           anonymous="named")
    assert response.status_code == 302
    assert stored() == {"说明.docx": original}


# --- the cleaning itself, format by format ---------------------------------------------

def test_png_text_exif_and_xmp_go():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", NAME)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{NAME}</x:xmpmeta>")
    exif = Image.Exif()
    exif[0x013B] = "sales1"
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (1, 2, 3, 128)).save(out, "PNG", pnginfo=info, exif=exif)
    assert traces(out.getvalue())
    cleaned = scrub.clean("png", out.getvalue())
    assert traces(cleaned.data) == []
    assert {scrub.AUTHOR, scrub.XMP} <= set(cleaned.removed)
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0)) == (1, 2, 3, 128)


def test_workbook_and_presentation_comment_authors_go():
    def office(parts: dict[str, str]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            for name, text in parts.items():
                archive.writestr(name, text.encode())
        return out.getvalue()

    xlsx = office({
        "xl/workbook.xml": "<workbook/>",
        "xl/comments1.xml": f"<comments><authors><author>{NAME}</author></authors>"
                            "<commentList/></comments>",
        "xl/persons/person.xml": f'<personList><person displayName="{NAME}" '
                                 'userId="sales1@corp.example" providerId="AD"/></personList>'})
    pptx = office({
        "ppt/presentation.xml": "<p:presentation/>",
        "ppt/commentAuthors.xml": f'<p:cmAuthorLst><p:cmAuthor id="1" name="{NAME}" '
                                  'initials="HL-initials" lastIdx="1" clrIdx="0"/>'
                                  "</p:cmAuthorLst>"})
    for ext, data in (("xlsx", xlsx), ("pptx", pptx)):
        cleaned = scrub.clean(ext, data)
        with zipfile.ZipFile(io.BytesIO(cleaned.data)) as archive:
            for info in archive.infolist():
                assert traces(archive.read(info)) == [], (ext, info.filename)
        assert scrub.COMMENT_AUTHORS in cleaned.removed


@pytest.mark.parametrize(("ext", "data", "reason"), [
    ("docx", b"PK\x03\x04" + b"\0" * 40, "Office 文件已损坏"),
    ("jpg", b"\xff\xd8\xff\xe0" + b"\0" * 40, "图片无法读取"),
    ("pdf", b"%PDF-1.4\n%broken", "PDF 文件已损坏"),
])
def test_damaged_files_cannot_be_cleaned(app, ext, data, reason):
    with pytest.raises(scrub.CannotClean) as refused:
        scrub.clean(ext, data)
    assert reason in str(refused.value.args[0])


# --- pictures inside a PDF -------------------------------------------------------------

def pdf_with_photos() -> bytes:
    """A PDF as a scanner app or "print to PDF" writes a photo into it: the JPEG as it came
    from the phone (EXIF with the GPS position and the owner, XMP, a comment) as an image
    XObject, once as plain ``/DCTDecode`` and once compressed again (``[/FlateDecode
    /DCTDecode]``)."""
    import zlib

    photo = jpeg_file()
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    images = {}
    for name, data, filters in (("/Im0", photo, pikepdf.Name.DCTDecode),
                                ("/Im1", zlib.compress(photo),
                                 pikepdf.Array([pikepdf.Name.FlateDecode,
                                                pikepdf.Name.DCTDecode]))):
        image = pikepdf.Stream(pdf, data)
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 60, 40, 8
        image.ColorSpace, image.Filter = pikepdf.Name.DeviceRGB, filters
        images[name] = image
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(images))
    page.Contents = pdf.make_stream(b"q 60 0 0 40 10 10 cm /Im0 Do Q "
                                    b"q 60 0 0 40 10 100 cm /Im1 Do Q")
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    data = out.getvalue()
    assert traces(data)  # the JPEG's EXIF is there, as bytes of the file
    return data


def pdf_images(data: bytes) -> list[bytes]:
    """Every image XObject of a PDF as its JPEG bytes (the PDF filters undone, not the
    JPEG's own)."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image:
                found.append(_jpeg_of(obj))
    return found


def _jpeg_of(stream) -> bytes:
    import zlib

    data = stream.read_raw_bytes()
    filters = stream.Filter if isinstance(stream.Filter, pikepdf.Array) else [stream.Filter]
    for name in list(filters)[:-1]:
        assert name == pikepdf.Name.FlateDecode
        data = zlib.decompress(data)
    assert list(filters)[-1] == pikepdf.Name.DCTDecode
    return data


def test_the_photos_inside_an_anonymous_pdf_lose_their_exif(app, demo, login):
    original = pdf_with_photos()
    assert all(Image.open(io.BytesIO(jpeg)).getexif() for jpeg in pdf_images(original))

    client = signed_in(app, login, demo["sales1"])
    response = file_report(client, [("照片.pdf", original)])
    if response.status_code == 302:  # the receipt page, shown once
        response = client.get(response.headers["Location"])
    assert response.status_code == 200
    assert "附件 照片.pdf 已移除：内嵌图片的元数据" in re.sub(r"\s+", " ",
                                                            response.get_data(as_text=True))

    data = stored()["照片.pdf"]
    assert traces(data) == []
    jpegs = pdf_images(data)
    assert len(jpegs) == 2
    for jpeg in jpegs:
        assert traces(jpeg) == []
        assert b"Exif\0\0" not in jpeg and b"http://ns.adobe.com/xap/" not in jpeg
        with Image.open(io.BytesIO(jpeg)) as photo:
            assert dict(photo.getexif()) == {}
            assert not {"exif", "xmp", "comment"} & set(photo.info)
            photo.load()  # still a whole picture, pixels as they were
            assert photo.size == (60, 40)
            assert photo.getpixel((5, 20))[0] > 150 and photo.getpixel((55, 20))[1] > 150


def test_a_damaged_photo_inside_a_pdf_is_refused():
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    image = pikepdf.Stream(pdf, b"\xff\xd8\xff\xe1\x00\x40Exif\0\0" + NAME.encode())
    image.Type, image.Subtype, image.Filter = (pikepdf.Name.XObject, pikepdf.Name.Image,
                                               pikepdf.Name.DCTDecode)
    image.Width = image.Height = image.BitsPerComponent = 8
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    out = io.BytesIO()
    pdf.save(out)
    with pytest.raises(scrub.CannotClean):
        scrub.clean("pdf", out.getvalue())
