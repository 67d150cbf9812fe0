#!/usr/bin/env bash
# Installs followup for this user and starts its reminder daemon.
# The package goes into its own virtual environment; `followup` is linked into
# ~/.local/bin; the daemon is installed as a systemd user service, or, where there is no
# systemd user manager, run in the foreground.
set -euo pipefail
cd "$(dirname "$0")"

data="${XDG_DATA_HOME:-$HOME/.local/share}/followup"
venv="$data/venv"
mkdir -p "$data" "$HOME/.local/bin"
chmod 700 "$data"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q .
ln -sf "$venv/bin/followup" "$HOME/.local/bin/followup"
echo "Installed: $HOME/.local/bin/followup"

# Shell completion (bash, zsh, fish) and the manual page, where each shell and man look.
share="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$share/bash-completion/completions" "$share/zsh/site-functions" \
  "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions" "$share/man/man1"
"$venv/bin/followup" completion bash > "$share/bash-completion/completions/followup"
"$venv/bin/followup" completion zsh > "$share/zsh/site-functions/_followup"
"$venv/bin/followup" completion fish > "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/followup.fish"
ln -sf "$venv/share/man/man1/followup.1" "$share/man/man1/followup.1"

if ! command -v notify-send >/dev/null; then
  echo "note: notify-send is missing; install it with: sudo apt install libnotify-bin" >&2
fi
if "$venv/bin/followup" install-service; then
  exit 0
fi
echo "Running the daemon in the foreground instead (Ctrl-C stops it)." >&2
exec "$venv/bin/followup" daemon
