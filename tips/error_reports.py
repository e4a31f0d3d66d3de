"""Error reports that carry nothing about a source.

Django's default report (the debug page, admin emails) includes the client address, user agent,
cookies, POST body, uploaded file names and every local variable. For tip-line requests all of
that is dropped: the report keeps the exception and the traceback's file and line numbers only.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


def is_tip_request(request):
    return bool(getattr(request, "is_tip_request", False))


class TipSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if is_tip_request(request):
            return {}
        return super().get_post_parameters(request)

    def get_safe_request_meta(self, request):
        if is_tip_request(request):
            return {}
        return super().get_safe_request_meta(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if is_tip_request(request):
            return []
        return super().get_traceback_frame_variables(request, tb_frame)


class TipSafeExceptionReporter(ExceptionReporter):
    def __init__(self, request, exc_type, exc_value, tb, is_email=False):
        if is_tip_request(request):
            # Without a request object the report has no request section at all.
            self.tip_request = True
            request = None
        super().__init__(request, exc_type, exc_value, tb, is_email)

    def get_traceback_frames(self):
        frames = super().get_traceback_frames()
        if getattr(self, "tip_request", False):
            for frame in frames:
                frame["vars"] = []
        return frames
