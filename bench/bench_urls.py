"""The project's URLs plus ``bench/bare/``: a bare Django view returning a stored 2 KB blob
behind the same middleware and sign-in as the pages, the yardstick of ``bench/served_pages.py``.
Never part of the project's own URLs."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from trust_portal import urls as project

# Made once, when the module is imported: the view only hands it back.
BLOB = ("<p>" + "Trust Portal bench " * 108)[:2044].encode() + b"</p>"
assert len(BLOB) == 2048  # the yardstick's size, checked once at import

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500


@login_required
def bare(request):
    return HttpResponse(BLOB, content_type="text/html; charset=utf-8")


# First, so that finding it costs one pattern: the yardstick is the middleware and sign-in alone
# (the pages pay for finding their own patterns among the project's).
urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *project.urlpatterns]
