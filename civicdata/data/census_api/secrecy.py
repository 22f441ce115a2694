"""Keeping the API key secret: remove it from any text, and from every log line that may hold a URL.

urllib3 logs full request URLs (``...&key=...``) at debug level; :func:`install_log_filter` puts a
filter on every logger that may see one, so the key never lands in a log.

Example:
    >>> scrub("https://api.census.gov/data/2024/acs/acs5?get=NAME&key=abc123&for=us:1")
    'https://api.census.gov/data/2024/acs/acs5?get=NAME&key=REDACTED&for=us:1'
"""

from __future__ import annotations

import logging
import re

from civicdata.core import settings

_KEY_IN_TEXT = re.compile(r"(?i)(\bkey=)[^&\s'\"<>]+")


def scrub(text: object, key: str | None = None) -> str:
    """Remove an API key from any text (URLs, error pages, log lines).

    Example:
        >>> scrub("https://api.census.gov/data/2024/acs/acs5?get=NAME&key=abc123&for=us:1")
        'https://api.census.gov/data/2024/acs/acs5?get=NAME&key=REDACTED&for=us:1'
    """
    text = _KEY_IN_TEXT.sub(r"\1REDACTED", str(text))
    for secret in {key, settings.get_api_key()}:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "REDACTED")
    return text


class _ScrubKeyFilter(logging.Filter):
    """Logging filter that rewrites a record's message without the key (urllib3 logs full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is not ours to fix
            return True
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_SCRUB_FILTER = _ScrubKeyFilter()
_LOGGER_PREFIXES = ("urllib3", "requests", "requests_cache", "responses", "census", "civicdata")


def install_log_filter() -> None:
    """Attach the key-scrubbing filter to every logger that may see a request URL."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in _LOGGER_PREFIXES]
    for name in [*_LOGGER_PREFIXES, *names]:
        logger = logging.getLogger(name)
        if _SCRUB_FILTER not in logger.filters:
            logger.addFilter(_SCRUB_FILTER)

