#!/usr/bin/env bash
# Installs (or upgrades) followup for this user and starts its reminder daemon.
# The package goes into its own virtual environment; `followup` is linked into
# ~/.local/bin; the daemon is installed as a systemd user service (an upgrade restarts it,
# so the new code runs) or, where there is no systemd user manager, started at login by an
# XDG autostart entry. It ends by saying what to do next.
#
# pip's own settings apply to both of its runs (the self-upgrade and the package): for
# example `PIP_NO_INDEX=1 PIP_FIND_LINKS=DIR ./install.sh` installs offline from a folder of
# wheels (the package's dependencies and its build backend, hatchling), with no upgrade of pip.
set -euo pipefail
cd "$(dirname "$0")"
# Whatever the caller's umask: nothing installed here may be writable by others (the
# program, its completions and its entries run as the user); the data folder is private.
umask 022

data="${XDG_DATA_HOME:-$HOME/.local/share}/followup"
venv="$data/venv"
bin="$HOME/.local/bin"
mkdir -p "$data" "$bin"
chmod 700 "$data"
fresh=yes
if [ -x "$venv/bin/followup" ]; then
  fresh=no
fi
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q --upgrade .
ln -sf "$venv/bin/followup" "$bin/followup"
echo "Installed: $bin/followup ($("$venv/bin/followup" --version))"

# Shell completion (bash, zsh, fish) and the manual page, where each shell and man look.
share="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$share/bash-completion/completions" "$share/zsh/site-functions" \
  "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions" "$share/man/man1"
"$venv/bin/followup" completion bash > "$share/bash-completion/completions/followup"
"$venv/bin/followup" completion zsh > "$share/zsh/site-functions/_followup"
"$venv/bin/followup" completion fish > "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/followup.fish"
chmod 644 "$share/bash-completion/completions/followup" "$share/zsh/site-functions/_followup" \
  "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/followup.fish"
ln -sf "$venv/share/man/man1/followup.1" "$share/man/man1/followup.1"

if ! command -v notify-send >/dev/null; then
  echo "note: notify-send is missing; install it with: sudo apt install libnotify-bin"
fi

if command -v systemctl >/dev/null && systemctl --user show-environment >/dev/null 2>&1; then
  was_active=no
  if systemctl --user is-active --quiet followup.service; then
    was_active=yes
  fi
  "$venv/bin/followup" install-service
  if [ "$was_active" = yes ]; then
    # An upgrade: the service was running the old code.
    systemctl --user restart followup.service
    echo "Restarted followup.service: it runs the new version."
  fi
else
  echo "note: no systemd user manager here; the daemon will start at login from an autostart entry."
  # An upgrade stops the daemon the autostart entry started (it runs the old code) and
  # starts the new one; otherwise this says how to start it without logging in again.
  "$venv/bin/followup" install-service --autostart
fi

# The next steps, only those not yet done: a config file (init writes it, with the country),
# an interview in the store, and on a first install, a test notification.
config=$("$venv/bin/followup" --json config 2>/dev/null \
  | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["path"])' 2>/dev/null) || config=
steps=()
if [ -z "$config" ] || [ ! -e "$config" ]; then
  steps+=("Set your country (public holidays are not business days): followup init --country XX")
fi
interviews=none
if [ -n "$config" ] && { [ -e "$config" ] || [ -e "$data/followup.db" ]; }; then
  # Only an existing config names another store; without one, only the default store counts.
  if "$venv/bin/followup" --json list --all 2>/dev/null | grep -q '"id"'; then
    interviews=some
  fi
fi
if [ "$interviews" = none ]; then
  steps+=("Add your first interview: followup add COMPANY --expect DATE")
fi
if [ "$fresh" = yes ]; then
  steps+=("Check that notifications reach your desktop: followup test-notification")
fi
if [ "${#steps[@]}" -gt 0 ]; then
  echo
  echo "Next:"
  for i in "${!steps[@]}"; do
    echo "  $((i + 1)). ${steps[$i]}"
  done
fi
case "${SHELL:-}" in
  # zsh looks for completion functions only in the folders of $fpath.
  */zsh) echo "note: for completion in zsh, add to ~/.zshrc, before compinit: fpath=($share/zsh/site-functions \$fpath)" ;;
esac
case ":$PATH:" in
  *":$bin:"*) echo "$bin is on your PATH." ;;
  *) echo "note: $bin is not on your PATH; add it (e.g. in ~/.profile: PATH=\"\$HOME/.local/bin:\$PATH\") or run $bin/followup." ;;
esac
