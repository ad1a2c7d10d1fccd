"""/sehat/: the load balancer's probe. Plain HTTP is allowed (SECURE_REDIRECT_EXEMPT in the
production settings): balancers probe each server directly."""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from profiles.services import health as checks
from profiles.services import jobs


@never_cache
@require_http_methods(["GET", "HEAD"])
def health(request):
    now = timezone.now()
    healthy, report = checks.report(now)
    if report["database"] == "ok":
        # Housekeeping on every probe: jobs whose worker died are retried or failed.
        jobs.recover_abandoned(now)
    return JsonResponse(report, status=200 if healthy else 503)
