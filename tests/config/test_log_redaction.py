"""No resident ID number reaches a log line, whatever logs it and however."""

import logging

import pytest

from config.logging import redact_id_numbers

VALID_ID = "11010519491231002X"


@pytest.mark.parametrize(
    "text",
    [
        f"duplicate key value violates unique constraint DETAIL: Key (id_number)=({VALID_ID})",
        "Key (id_number)=(360426199101010071) already exists.",
        "全角：３６０４２６１９９１０１０１００７１",
        f"lower-case check character {VALID_ID.lower()}",
    ],
)
def test_id_numbers_are_masked_in_text(text):
    redacted = redact_id_numbers(text)
    assert "1949123100" not in redacted
    assert "9910101007" not in redacted
    assert "９９１０１０１００７" not in redacted
    assert "**********" in redacted


def test_other_numbers_are_left_alone():
    text = "hazard 123, phone 13800138000, division 411726102, credit 12411726MB1234567X"
    assert redact_id_numbers(text) == text


def _emit(logger_name, *args, exc_info=None):
    logger = logging.getLogger(logger_name)
    handler = logging.getLogger().handlers[0]
    records = []
    original_emit = handler.emit
    formatted = []

    def capture(record):
        formatted.append(handler.format(record))
        records.append(record)

    handler.emit = capture
    try:
        logger.error(*args, exc_info=exc_info)
    finally:
        handler.emit = original_emit
    return "\n".join(formatted)


def test_the_configured_handler_masks_messages_arguments_and_tracebacks(settings):
    try:
        raise ValueError(f"Key (id_number)=({VALID_ID}) already exists.")
    except ValueError as error:
        output = _emit("relief.services", "registering %s failed", VALID_ID, exc_info=error)
    assert "registering 1101**********002X failed" in output
    assert "ValueError" in output
    assert VALID_ID not in output


def test_djangos_own_loggers_go_through_the_masking_handler():
    output = _emit("django.request", "Internal Server Error: %s", f"/?q={VALID_ID}")
    assert VALID_ID not in output
    assert "1101**********002X" in output
