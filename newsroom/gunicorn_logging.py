"""gunicorn's logger for the newsroom: the access log has no line at all for the tip line.

Even without an address, a line saying that `POST /es/tips/` happened at 14:02:17 records when a
source sent something, which the tip line keeps only to the day. gunicorn.conf.py selects this.
"""

from gunicorn.glogging import Logger

from tips.middleware import is_tip_path


class AccessLogWithoutTipLine(Logger):
    def access(self, resp, req, environ, request_time):
        if is_tip_path(environ.get("PATH_INFO", "")):
            return
        super().access(resp, req, environ, request_time)
