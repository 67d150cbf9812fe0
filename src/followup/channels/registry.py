"""Every channel by name, as a lazy table: a name and the config table its options live in,
to the ``"module:attribute"`` of its :class:`~followup.channels.base.Channel` (as
vdirsyncer's ``cli/utils.py`` names its storages). A channel module is imported only when
something asks for that channel: its options are checked (the config file sets one of them),
it is shown (``followup config``, the example file), or it delivers.

Adding a channel is one module declaring ``CHANNEL`` and one line in :data:`TABLE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from followup.channels.base import Channel
    from followup.config.options import Option
    from followup.config.settings import Config


class Entry(NamedTuple):
    """Where a channel's options live (its config table) and where it is declared."""

    section: str
    target: str


#: Channel name -> its table and declaration, in the order they are documented.
TABLE: Mapping[str, Entry] = {
    "desktop": Entry("notify", "followup.channels.desktop:CHANNEL"),
    "caldav": Entry("caldav", "followup.channels.caldav:CHANNEL"),
    "apprise": Entry("apprise", "followup.channels.apprise:CHANNEL"),
}

#: The channel every config delivers through unless it names others.
DEFAULT = "desktop"

_loaded: dict[str, Channel] = {}


def names() -> tuple[str, ...]:
    """Every channel's name, without loading any."""
    return tuple(TABLE)


def load(name: str) -> Channel:
    """The channel called ``name``, its module imported on first use.

    Raises KeyError for a name not in :data:`TABLE`."""
    channel = _loaded.get(name)
    if channel is None:
        module, _, attribute = TABLE[name].target.partition(":")
        channel = getattr(import_module(module), attribute)
        _loaded[name] = channel
    return channel


def in_section(section: str) -> tuple[str, ...]:
    """The channels whose options live in ``section``, without loading any."""
    return tuple(name for name, entry in TABLE.items() if entry.section == section)


def sections() -> frozenset[str]:
    """Every config table some channel keeps options in."""
    return frozenset(entry.section for entry in TABLE.values())


def option(section: str, key: str) -> tuple[str, Option] | None:
    """The channel declaring ``section.key`` and its option, loading only the channels of
    that section; None when none declares it."""
    for name in in_section(section):
        for opt in load(name).options:
            if opt.key == key:
                return name, opt
    return None


def keys(section: str) -> list[str]:
    """The keys the channels of ``section`` declare (for "did you mean")."""
    return [opt.key for name in in_section(section) for opt in load(name).options]


def all_options(core: Iterable[Option]) -> list[Option]:
    """``core`` with each channel's options added at the end of its section (a section of
    the channel's own comes after the core's): the order of the example file and of
    ``followup config``. Loads every channel."""
    ordered: dict[str, list[Option]] = {}
    for opt in core:
        ordered.setdefault(opt.section, []).append(opt)
    for name in TABLE:
        for opt in load(name).options:
            ordered.setdefault(opt.section, []).append(opt)
    return [opt for section in ordered.values() for opt in section]


def import_thread_modules(name: str) -> None:
    """Import what channel ``name``'s delivery imports in a thread of its own
    (:attr:`Channel.thread_modules`), here, on the caller's thread."""
    for module in load(name).thread_modules:
        import_module(module)


def settings(config: Config, name: str) -> Any:
    """The settings of channel ``name`` under ``config``: those made when the file was read
    (it set one of the channel's options), else the channel's defaults."""
    made = config.channels.get(name)
    if made is not None:
        return made
    channel = load(name)
    defaults = {opt.name: opt.default for opt in channel.options}
    return channel.make_settings(defaults.__getitem__, config.path, {})
