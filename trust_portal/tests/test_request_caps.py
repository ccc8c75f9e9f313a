"""A request bigger than the site will hold is refused with 400, never a 500."""

from django.conf import settings as project_settings
from django.urls import reverse


def test_an_oversized_form_post_is_refused_with_400(client):
    big = "x" * (project_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("accounts:login"), {"username": big, "password": "x"})
    assert response.status_code == 400


def test_a_form_post_with_too_many_fields_is_refused_with_400(client):
    fields = {f"f{n}": "x" for n in range(project_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("accounts:password-reset"), fields)
    assert response.status_code == 400


def test_every_upload_limit_is_read_from_settings():
    from contracts.services import contracts
    from performance import workbook
    from performance.services import benchmarks, uploads
    from transformation.services import meetings

    assert uploads.MAX_BYTES == project_settings.EXTRACT_UPLOAD_MAX_BYTES == 200 * 1024 * 1024
    assert workbook.MAX_BYTES == project_settings.WORKBOOK_UPLOAD_MAX_BYTES == 5 * 1024 * 1024
    assert benchmarks.MAX_BYTES == project_settings.BENCHMARKS_UPLOAD_MAX_BYTES == 1_000_000
    assert contracts.MAX_DOCUMENT_BYTES == project_settings.DOCUMENT_UPLOAD_MAX_BYTES
    assert meetings.MAX_MINUTES_BYTES == project_settings.DOCUMENT_UPLOAD_MAX_BYTES
