from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from trust_portal.accounts.permissions import Action, Kind, permission_required
from trust_portal.listing import paged
from trust_portal.outbox import services
from trust_portal.outbox.models import Job

# Platform management, as users and organisations are: administrators only.
administer_jobs = permission_required(Action.ADMINISTER, Kind.ORGANISATION)


@administer_jobs
def job_list(request):
    """Jobs not yet sent to the workers, waiting to try again, or given up on."""
    page, query = paged(request, Job.objects.needing_attention(), 25)
    for job in page.object_list:
        job.error_in_words = services.error_in_words(job.last_error)
    return render(request, "outbox/job_list.html", {"page": page, "query": query})


@administer_jobs
@require_POST
def job_resend(request, pk):
    job = get_object_or_404(Job, pk=pk)
    try:
        services.job_resend(by=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{job.description}” will be sent again now.")
    return redirect("outbox:job-list")
