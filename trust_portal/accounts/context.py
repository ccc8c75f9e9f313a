"""Template context shared by every page: the service name and the signed-in person's place."""

from django.conf import settings


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
    }
