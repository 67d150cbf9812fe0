#!/usr/bin/env bash
# Runs every check of followup: ruff, mypy --strict and the whole pytest suite (on SQLite,
# then its store-facing part on PostgreSQL), installing
# what they need first (Debian packages for the real-bus and fake-clock tests, and a
# virtual environment in .venv with the package and its test dependencies).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests run for real: a private session bus, notify-send, a systemd
# user manager, libfaketime, two notification servers under Xvfb (dunst, xfce4-notifyd)
# with xdotool to click and imagemagick to take screenshots, desktop-file-validate,
# Dovecot (IMAP) with openssl for its certificates, PostgreSQL, man to render the manual
# page, and zsh and fish to load the completion scripts in the real shells.
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
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v man >/dev/null || need+=(man-db)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check src tests migrations bench
.venv/bin/ruff format --check src tests migrations bench
.venv/bin/mypy
# Every test once with the default SQLite store, then the in-process suites again with the
# default store on a throwaway PostgreSQL server (tests/conftest.py: --store).
.venv/bin/python -m pytest "$@"
.venv/bin/python -m pytest --store postgresql "$@"
