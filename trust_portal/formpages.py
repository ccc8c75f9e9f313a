"""The pages of a form behind a service, and the POSTs that call one, shared by the apps'
views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from trust_portal.govuk_forms import add_service_errors


def submitted(form, save):
    """What ``save(**form.cleaned_data)`` answers (a redirect, say) once the form is valid.

    None while the form is unbound or invalid, or when the service refuses: its ValidationError
    goes onto the form, beside the field it names, for the page to show with the others.
    """
    if form.is_valid():
        try:
            return save(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    return None


def form_page(form, save, page):
    """``save``'s answer once the form goes through (see ``submitted``), else ``page()``: the
    form again, with its errors."""
    answer = submitted(form, save)
    return page() if answer is None else answer


def act(request, action, success: str, back):
    """A POST with no form: ``action()``, then ``success`` said, or else each of the service's
    refusals said as an error; back to ``back`` (a URL, or an object with a page) either way."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(back)
