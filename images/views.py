from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from newsroom.two_factor import awaiting_second_factor


@never_cache
def original_access(request):
    """Answer nginx's auth_request for an image original on local disk: staff only.

    Originals keep everything the camera wrote (and are not for readers: pages show renditions);
    on object storage they are private objects with signed URLs instead.
    """
    user = request.user
    allowed = (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not awaiting_second_factor(user)
    )
    return HttpResponse(status=204 if allowed else 403)
