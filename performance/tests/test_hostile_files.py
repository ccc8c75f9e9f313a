"""The files that broke the readers of uploaded spreadsheets (issue 16), kept as fixtures: each
is refused, or read in full, quickly and without the memory it was built to take."""

import io
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from performance import workbook
from performance.extract import ExtractRejected, read_extract
from performance.models import ExtractUpload
from performance.services import returns, uploads
from performance.tests.hostile_files import fixture, lying_dimension, many_rows
from performance.tests.test_extract_uploads import MONTH
from trust_portal.spreadsheets import Limits


def refusal(data: bytes, filename="extract.xlsx", limits=None) -> str:
    with pytest.raises(ExtractRejected) as caught:
        read_extract(io.BytesIO(data), filename=filename, limits=limits)
    [error] = caught.value.errors
    return error.reason


def measured(read) -> tuple[float, int]:
    """(seconds, peak bytes Python allocated) while ``read`` runs."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read()
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak


def test_the_8_million_shared_strings_workbook_is_refused_quickly_in_little_memory():
    data = fixture("shared_strings_bomb.xlsx")
    seconds, peak = measured(lambda: refusal(data))
    assert refusal(data) == (
        "the workbook is packed too tightly to be a real spreadsheet (a part of it unpacks to "
        "412 times its size; at most 100)"
    )
    assert peak < 20 * 1024 * 1024 and seconds < 10  # it took 1.7 GB and 57 s


def test_the_shared_strings_are_counted_even_when_the_file_is_not_packed_tightly():
    data = fixture("shared_strings_bomb.xlsx")
    limits = Limits(compression_ratio=10_000)
    seconds, peak = measured(lambda: refusal(data, limits=limits))
    assert refusal(data, limits=limits) == ("the workbook holds more than 3,000,000 pieces of text")
    assert peak < 20 * 1024 * 1024 and seconds < 30


def test_the_workbook_of_1_9_million_rows_is_refused_before_it_is_parsed():
    data = many_rows()
    limits = Limits(compression_ratio=10_000)  # so that the rows, not the packing, refuse it
    seconds, peak = measured(lambda: refusal(data, limits=limits))
    assert refusal(data, limits=limits) == "the file has more than 1,000,000 rows"
    assert peak < 20 * 1024 * 1024 and seconds < 30  # it held a worker 300 s at 1.4 GB


def test_a_workbook_whose_dimension_claims_ten_rows_is_read_to_its_last_row():
    data = fixture("lying_dimension.xlsx")
    frame = read_extract(io.BytesIO(data), filename="extract.xlsx")
    assert len(frame) == 1_000
    assert frame.index[-1] == 1_001 and frame.loc[1_001, "child_id"] == "C1001"


def test_a_lying_dimension_does_not_hide_rows_past_the_row_limit():
    data = lying_dimension(count=30)
    limits = Limits(rows=20)
    assert refusal(data, limits=limits) == "the file has more than 20 rows"


def test_a_header_wider_than_the_column_limit_is_refused():
    data = io.BytesIO()
    book = Workbook()
    book.active.append(["child_id", "area", "category", "episode_start", "note"])
    book.save(data)
    assert refusal(data.getvalue(), limits=Limits(columns=4)) == (
        "the sheet has more than 4 columns"
    )


def test_a_header_of_101_columns_is_refused_alike_as_csv_and_as_xlsx():
    header = ["child_id", "area", "category", "episode_start"] + [f"note {n}" for n in range(97)]
    row = ["C1", "NNC", "CIN", "2025-01-01"] + [""] * 97
    data = io.BytesIO()
    book = Workbook()
    book.active.append(header)
    book.active.append(row)
    book.save(data)

    def csv(width):
        return f"{','.join(header[:width])}\r\n{','.join(row[:width])}\r\n".encode()

    assert refusal(data.getvalue()) == "the sheet has more than 100 columns"
    assert refusal(csv(101), "extract.csv") == "the sheet has more than 100 columns"
    assert len(read_extract(io.BytesIO(csv(100)), filename="e.csv")) == 1


def test_a_csv_with_old_mac_line_ends_is_held_to_the_row_limit():
    data = b"child_id,area,category,episode_start\r" + b"C1,NNC,CIN,2025-01-01\r" * 50
    assert refusal(data, "extract.csv", Limits(csv_rows=10)) == "the file has more than 10 rows"
    assert len(read_extract(io.BytesIO(data), filename="e.csv", limits=Limits(csv_rows=50))) == 50


def test_a_csv_with_more_lines_than_the_limit_is_refused_before_pandas_reads_it():
    data = b"child_id,area,category,episode_start\n" + b"C1,NNC,CIN,2025-01-01\n" * 3
    assert refusal(data, "extract.csv", Limits(csv_rows=2)) == "the file has more than 2 rows"


@pytest.mark.django_db
def test_the_template_reader_refuses_the_shared_strings_workbook(people, arrangement):
    draft = returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    file = SimpleUploadedFile("template.xlsx", fixture("shared_strings_bomb.xlsx"))
    with pytest.raises(ValidationError) as caught:
        workbook.read_upload(file, monthly_return=draft)
    assert caught.value.messages == [
        "The workbook is too large once unpacked (137 MB; at most 50 MB). Upload the template."
    ]


@pytest.mark.django_db
def test_child_ids_under_the_area_header_never_reach_the_stored_report(
    people, arrangement, client_for, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(uploads, "_queue", lambda upload_id: None)
    draft = returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    file = SimpleUploadedFile("extract.csv", fixture("child_ids_under_area.csv"))
    upload = uploads.extract_upload_start(by=people["manager"], monthly_return=draft, file=file)
    done = uploads.extract_upload_run(upload_id=upload.pk)

    assert done.state == ExtractUpload.State.REJECTED
    stored = ExtractUpload.objects.get(pk=done.pk).errors
    areas = ", ".join(sorted(c.code for c in arrangement.councils.all()))
    reason = f"not a council area of this trust ({areas})"
    described = f"{reason}: 18 characters, letters and digits"
    assert [(e["row"], e["column"], e["value"], e["reason"]) for e in stored] == [
        (2, "area", None, described),
        (3, "area", None, described),
        (4, "area", "XYZ", reason),  # a short code may be echoed: it names no child
    ]
    download = client_for(people["manager"]).get(
        reverse("performance:extract-upload-errors", args=[arrangement.code, done.pk])
    )
    assert b"KX00" not in download.content and b"18 characters" in download.content
