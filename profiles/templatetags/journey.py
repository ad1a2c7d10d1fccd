from django import template

from profiles.services.committee import contact_batch
from profiles.rules.deadlines import describe_duration
from profiles.rules.nip import format_nip

register = template.Library()


@register.filter
def duration_words(value):
    """`0:15:00` → `15 menit` (the lockout page)."""
    return describe_duration(value)


@register.filter
def nip_spaced(value):
    return format_nip(value) if value else ""


@register.inclusion_tag("profiles/_contact.html", takes_context=True)
def committee_contact(context, compact=False):
    batch = context.get("participant") and context["participant"].batch
    if batch is None:
        request = context.get("request")
        batch = contact_batch(getattr(request, "user", None))
    return {"batch": batch, "compact": compact}
