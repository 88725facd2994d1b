"""Attachments people have (issue 14, problem 14): .doc/.xls (OLE2), .wps/.et (WPS Office,
OLE2 or ZIP), .zip and phone photos (.heic) are accepted by their content, not their name;
a HEIC photo is shown converted to JPEG and downloaded as it came.  On anonymous items the
OLE2 files and archives are refused (their metadata names people), a HEIC photo is kept as
a clean JPEG.  The files are built here: OLE2 by tests/support/ole2.py, HEIC by Pillow with
pillow-heif."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import olefile
import pytest
from PIL import Image
from pillow_heif import register_heif_opener
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from hub.common.attachments import AttachmentError, store_upload
from hub.common.models import Attachment
from hub.extensions import db
from tests.conftest import csrf_token
from tests.support.ole2 import compound_file, excel_97, summary_information, word_97
from tests.test_attachment_metadata import docx_file, traces

register_heif_opener()
TODAY = date(2026, 12, 5)


def heic_photo() -> bytes:
    """A phone photo: 40×30, red on top, with the camera, the owner and a GPS position."""
    image = Image.new("RGB", (40, 30), (30, 160, 30))
    image.paste((200, 20, 20), (0, 0, 40, 10))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Apple", "iPhone 15", "何磊 sales1"
    exif[0x0132] = "2026:12:01 09:30:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("照片/1.txt", "现场记录")
    return out.getvalue()


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def keep(name: str, data: bytes, clean: bool = False) -> Attachment:
    return store_upload(upload(name, data), TODAY, clean=clean)


def test_the_fixtures_are_what_the_programs_write():
    with olefile.OleFileIO(io.BytesIO(word_97())) as ole:
        assert ole.exists("WordDocument")
        meta = ole.get_metadata()
        assert meta.author.decode("gbk") == "何磊" and meta.last_saved_by.decode("gbk") == "何磊"
    assert Image.open(io.BytesIO(heic_photo())).format == "HEIF"


@pytest.mark.parametrize("name, make, content_type", [
    ("周报.doc", word_97, "application/msword"),
    ("报表.xls", excel_97, "application/vnd.ms-excel"),
    ("方案.wps", word_97, "application/wps-office.wps"),  # WPS's OLE2 flavour
    ("方案.wps", docx_file, "application/wps-office.wps"),  # … and its ZIP flavour
    ("预算.et", excel_97, "application/wps-office.et"),
    ("现场照片.zip", zip_archive, "application/zip"),
    ("IMG_0001.HEIC", heic_photo, "image/heic"),
])
def test_the_types_people_have_are_accepted_as_they_came(app, name, make, content_type):
    data = make()
    with app.test_request_context():
        attachment = keep(name, data)
    assert (attachment.filename, attachment.content_type) == (name, content_type)
    assert attachment.data == data


@pytest.mark.parametrize("name, data", [
    ("周报.doc", "只是文字".encode()),  # a renamed text file
    ("周报.doc", excel_97()),  # an OLE2 file without Word's stream
    ("报表.xls", word_97()),
    ("报表.xls", zip_archive()),
    ("方案.wps", b"PK\x03\x04 not really a zip"),
    ("现场照片.zip", word_97()),
    ("IMG_0001.heic", Image.new("RGB", (2, 2)).tobytes() + b"\0" * 64),
    ("IMG_0001.heic", b"\0\0\0\x18ftypavif\0\0\0\0"),  # a different picture format
])
def test_the_content_must_match_the_name(app, name, data):
    with app.test_request_context(), pytest.raises(AttachmentError) as refused:
        keep(name, data)
    assert "文件内容与类型不符" in str(refused.value)


@pytest.mark.parametrize("name, make, reason", [
    ("周报.doc", word_97, "另存为 .docx、.xlsx 或 .pdf"),
    ("报表.xls", excel_97, "另存为 .docx、.xlsx 或 .pdf"),
    ("方案.wps", word_97, "另存为 .docx、.xlsx 或 .pdf"),
    ("预算.et", excel_97, "另存为 .docx、.xlsx 或 .pdf"),
    ("现场照片.zip", zip_archive, "请直接上传其中的文件"),
])
def test_anonymous_items_refuse_files_that_cannot_be_cleaned(app, name, make, reason):
    with app.test_request_context(), pytest.raises(AttachmentError) as refused:
        keep(name, make(), clean=True)
    assert f"无法匿名提交附件 {name}" in str(refused.value) and reason in str(refused.value)


def test_an_anonymous_wps_package_is_cleaned_as_office_open_xml(app):
    with app.test_request_context():
        attachment = keep("方案.wps", docx_file(), clean=True)
    assert attachment.filename == "方案.wps" and traces(attachment.data) == []


def test_an_anonymous_heic_photo_becomes_a_clean_jpeg(app):
    photo = heic_photo()
    file = upload("IMG_0001.heic", photo)
    with app.test_request_context():
        attachment = store_upload(file, TODAY, clean=True)
    assert (attachment.filename, attachment.content_type) == ("IMG_0001.jpg", "image/jpeg")
    assert {"gps", "camera", "author", "taken_at"} <= set(file.cleaned_of)
    with Image.open(io.BytesIO(attachment.data)) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (40, 30)
        assert dict(jpeg.getexif()) == {} and "exif" not in jpeg.info
        assert jpeg.getpixel((20, 2))[0] > 150 and jpeg.getpixel((20, 25))[1] > 120
    assert traces(attachment.data) == [] and b"iPhone" not in attachment.data


def file_named_report(client, files):
    return client.post("/suggestions/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/suggestions/new"), "kind": "complaint",
        "subject": "食堂问题", "body": "食堂的菜太咸了。", "anonymous": "named",
        "attachments": [(io.BytesIO(data), name) for name, data in files]})


def test_a_heic_photo_is_shown_as_jpeg_and_downloaded_as_it_came(app, demo, login):
    photo = heic_photo()
    client = app.test_client()
    login(client, demo["sales1"])
    response = file_named_report(client, [("IMG_0001.heic", photo), ("周报.doc", word_97())])
    assert response.status_code == 302, response.get_data(as_text=True)
    page_url = response.headers["Location"]
    html = client.get(page_url).get_data(as_text=True)
    heic = db.session.scalar(select(Attachment).where(Attachment.filename == "IMG_0001.heic"))
    doc = db.session.scalar(select(Attachment).where(Attachment.filename == "周报.doc"))
    link = re.search(rf'href="([^"]*/attachments/{heic.id})\?view=jpeg"', html)
    assert link, "the page offers the photo as a JPEG"
    assert f"/attachments/{doc.id}?view=jpeg" not in html  # only what browsers cannot show

    original = client.get(link.group(1))
    assert original.data == photo and original.headers["Content-Disposition"].startswith(
        "attachment;")
    shown = client.get(link.group(1) + "?view=jpeg")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert shown.headers["Content-Disposition"].startswith('inline; filename="IMG_0001.jpg"')
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(shown.data)) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (40, 30)
    # Anything but a HEIC photo is a download only.
    doc_url = link.group(1).rsplit("/", 1)[0] + f"/{doc.id}"
    assert client.get(doc_url + "?view=jpeg").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 2


def test_the_form_says_which_types_are_accepted(app, demo, login):
    client = app.test_client()
    login(client, demo["sales1"])
    html = client.get("/mailbox/write").get_data(as_text=True)
    accept = re.search(r'accept="([^"]+)"', html).group(1).split(",")
    assert {".doc", ".xls", ".wps", ".et", ".zip", ".heic"} <= set(accept)


def test_summary_information_names_the_author():
    """The reason OLE2 files are refused on anonymous items: the author is in the file."""
    data = compound_file({"WordDocument": b"x", "\x05SummaryInformation":
                          summary_information("何磊 sales1")})
    assert "何磊".encode("gbk") in data
