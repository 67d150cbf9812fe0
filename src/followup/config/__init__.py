"""The config file, read once into frozen, typed settings.

Every key is declared once in :data:`OPTIONS` (:mod:`.options`: section, name, type,
default, help, check); that one list drives parsing, validation, "did you mean" suggestions
and ``followup config``. The values are checked by :mod:`.checks`, the file is read by
:mod:`.loading` and the settings are the NamedTuples of :mod:`.settings`. Nothing else in
the package reads the TOML.

The names below are the package's surface: ``from followup.config import Config, load``.
Where files are is :mod:`followup.paths`' business.
"""

from __future__ import annotations

from followup.config.checks import SECURITY, redact, toml_value
from followup.config.loading import (
    did_you_mean,
    from_mapping,
    is_loopback,
    load,
    locale_country,
    system_zone,
)
from followup.config.options import OPTIONS, Option
from followup.config.settings import (
    CalendarSettings,
    Config,
    ExportSettings,
    LintPhrase,
    MailSettings,
    NotifySettings,
    YouSettings,
    plan_key,
)

__all__ = [
    "OPTIONS",
    "SECURITY",
    "CalendarSettings",
    "Config",
    "ExportSettings",
    "LintPhrase",
    "MailSettings",
    "NotifySettings",
    "Option",
    "YouSettings",
    "did_you_mean",
    "from_mapping",
    "is_loopback",
    "load",
    "locale_country",
    "plan_key",
    "redact",
    "system_zone",
    "toml_value",
]
