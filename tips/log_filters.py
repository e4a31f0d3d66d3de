"""Keep the tip line's background work out of the logs.

django-tasks logs every task it enqueues, starts and finishes, with its path and the time. For
`tips.tasks.*` that would write down when a source sent something, which the tip line keeps only
to the day. These records are dropped where they are made, before any handler sees them.
"""

import logging


class DropTipLineTasks(logging.Filter):
    def filter(self, record):
        return "tips.tasks." not in record.getMessage()
