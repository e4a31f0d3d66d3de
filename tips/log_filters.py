"""Keep the tip line out of the logs: any timed line about it says when a source wrote.

django-tasks logs every task it enqueues, starts and finishes, with its path and the time; and
Django logs every refused tip-line request (a form with an error, a throttled tip, a wrong
receipt code, a failed CSRF check) with its path and the time. The tip line keeps a tip's day
only, so these records are dropped where they are made, before any handler sees them. Server
errors are kept, and a failure to email the desk is still logged (tips.services), naming no tip.
"""

import logging

from tips.middleware import is_tip_path


class DropTipLineTasks(logging.Filter):
    def filter(self, record):
        return "tips.tasks." not in record.getMessage()


class DropTipLineRequests(logging.Filter):
    """For django.request and django.security.csrf: drop records of refused tip-line requests.

    Server errors (500 and up) stay: a broken tip line must reach the admins, and their reports
    carry no request details (tips/error_reports.py).
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path_info", None) or getattr(request, "path", "") or ""
        if getattr(record, "status_code", 0) >= 500:
            return True
        return not is_tip_path(path)
