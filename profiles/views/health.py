"""/sehat/: the load balancer's probe. Plain HTTP is allowed (SECURE_REDIRECT_EXEMPT in the
production settings): balancers probe each server directly."""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from profiles.services import health as checks


@never_cache
@require_http_methods(["GET", "HEAD"])
def health(request):
    healthy, report = checks.report(timezone.now())
    return JsonResponse(report, status=200 if healthy else 503)
