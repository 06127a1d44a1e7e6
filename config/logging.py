"""Log filters: no resident ID number may reach a log line.

A unique-violation message, a traceback's local values or a careless debug
line can carry a full ID number; the filter masks anything that looks like
one (17 digits and a check character, in ASCII or full-width digits) in the
message, its arguments and the formatted traceback before any handler writes.
"""

import logging
import re

# 17 digits then a digit or X; \d also matches full-width digits, on purpose.
ID_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z０-９])(\d{4})\d{10}(\d{3}[\dXxＸｘ])(?![0-9A-Za-z０-９])"
)


def redact_id_numbers(text):
    return ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)


class RedactIdNumbers(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        redacted = redact_id_numbers(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_id_numbers(record.stack_info)
        return True
