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
  "$venv/bin/followup" install-service --autostart
  echo "To start it now, without logging in again: $bin/followup daemon &"
fi

echo
echo "Next:"
echo "  1. Set your country (public holidays are not business days): followup init --country XX"
echo "  2. Add your first interview: followup add COMPANY --expect DATE"
echo "  3. Check that notifications reach your desktop: followup test-notification"
case "${SHELL:-}" in
  # zsh looks for completion functions only in the folders of $fpath.
  */zsh) echo "note: for completion in zsh, add to ~/.zshrc, before compinit: fpath=($share/zsh/site-functions \$fpath)" ;;
esac
case ":$PATH:" in
  *":$bin:"*) echo "$bin is on your PATH." ;;
  *) echo "note: $bin is not on your PATH; add it (e.g. in ~/.profile: PATH=\"\$HOME/.local/bin:\$PATH\") or run $bin/followup." ;;
esac
