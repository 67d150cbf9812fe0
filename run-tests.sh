#!/usr/bin/env bash
# Runs every check of followup: ruff, mypy --strict and the whole pytest suite (on SQLite,
# then its store-facing part on PostgreSQL), installing
# what they need first (Debian packages for the real-bus and fake-clock tests, and a
# virtual environment in .venv with the package and its test dependencies).
#
# ./run-tests.sh --quick: ruff, mypy and the tests that start no server and no process
# (pytest -m "not system", SQLite only, on every core with pytest-xdist), the loop to run
# while working; it installs nothing but a missing .venv or test dependency. Any other argument goes
# to pytest.
set -euo pipefail
cd "$(dirname "$0")"

quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi

python=${PYTHON:-python3}
if ((quick)); then
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  # a .venv made before a dependency was added gets it (pytest-xdist: -n below)
  .venv/bin/python -c "import followup, xdist, aiosmtpd, apprise" 2>/dev/null \
    || .venv/bin/python -m pip install -q -e '.[test]'
  .venv/bin/ruff check src tests migrations bench
  .venv/bin/ruff format --check src tests migrations bench
  .venv/bin/mypy
  exec .venv/bin/python -m pytest -m "not system" -n auto "$@"
fi

# Debian packages the tests run for real: a private session bus, notify-send, a systemd
# user manager, libfaketime, notification servers under Xvfb (dunst, xfce4-notifyd, and
# those of the desktops below)
# with xdotool to click and imagemagick to take screenshots, desktop-file-validate,
# Dovecot (IMAP) with openssl for its certificates, PostgreSQL, man to render the manual
# page, zsh and fish to load the completion scripts in the real shells, and two CalDAV
# servers (Radicale, Xandikos) for the phone's task list.
need=()
command -v dbus-daemon >/dev/null || need+=(dbus-daemon)
command -v notify-send >/dev/null || need+=(libnotify-bin)
command -v systemd-analyze >/dev/null || need+=(systemd)
ls /usr/lib/*/faketime/libfaketimeMT.so.1 >/dev/null 2>&1 || need+=(faketime)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v dunst >/dev/null || need+=(dunst)
ls /usr/lib/*/xfce4/notifyd/xfce4-notifyd >/dev/null 2>&1 || need+=(xfce4-notifyd)
command -v xdotool >/dev/null || need+=(xdotool)
[ -x /usr/bin/import ] && /usr/bin/import -version >/dev/null 2>&1 || need+=(imagemagick)
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
command -v openssl >/dev/null || need+=(openssl)
command -v dovecot >/dev/null || need+=(dovecot-imapd)
command -v mbsync >/dev/null || need+=(isync)
command -v offlineimap >/dev/null || need+=(offlineimap3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v man >/dev/null || need+=(man-db)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
command -v radicale >/dev/null || need+=(radicale)
command -v xandikos >/dev/null || need+=(xandikos)
# The desktops most people run, as real notification servers: GNOME Shell (headless, with
# gjs for its notification service), KDE Plasma (plasmashell on kwin_x11), mako on sway
# (headless Wayland; grim for screenshots, jq for makoctl, wtype for keys) and
# notification-daemon.
command -v gnome-shell >/dev/null || need+=(gnome-shell)
command -v gjs >/dev/null || need+=(gjs)
command -v plasmashell >/dev/null || need+=(plasma-workspace)
command -v kwin_x11 >/dev/null || need+=(kwin-x11)
[ -d /usr/share/plasma/shells/org.kde.plasma.desktop ] || need+=(plasma-desktop)
command -v sway >/dev/null || need+=(sway)
command -v mako >/dev/null || need+=(mako-notifier)
command -v grim >/dev/null || need+=(grim)
command -v wtype >/dev/null || need+=(wtype)
command -v jq >/dev/null || need+=(jq)
[ -x /usr/lib/notification-daemon/notification-daemon ] || need+=(notification-daemon)
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check src tests migrations bench
.venv/bin/ruff format --check src tests migrations bench
.venv/bin/mypy
# Every test once with the default SQLite store: the quick tier spread over every core, then
# the system tests on three workers (they mostly wait on their servers, which pick free
# ports, displays, runtime folders and cgroups, so they run side by side; a module marked
# xdist_group keeps to one worker, where its costly module fixture is made once); then the
# in-process suites again with the default store on a throwaway PostgreSQL server per
# worker (tests/conftest.py: --store). Any argument goes to each run; a run that the
# arguments leave without a test (pytest's status 5) is no failure.
run_pytest() {
  .venv/bin/python -m pytest "$@" || {
    status=$?
    [ "$status" -eq 5 ] || exit "$status"
  }
}
run_pytest -m "not system" -n auto "$@"
run_pytest -m system -n 3 --dist loadgroup "$@"
run_pytest --store postgresql -n 2 "$@"
