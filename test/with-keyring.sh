#!/bin/sh
# Runs a command with a working Secret Service, so keytar talks to a real keychain.
#
# On Linux without a session bus this starts a private D-Bus session and an unlocked
# gnome-keyring in a throwaway HOME, then runs the command inside it. Anywhere a keychain is
# already reachable (a desktop session, macOS, Windows) the command simply runs.
set -eu

if [ "$(uname -s)" != "Linux" ] || [ -n "${BRAID_KEYRING_READY:-}" ]; then
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: $tool is missing. Install dbus and gnome-keyring (apt-get install dbus gnome-keyring)." >&2
    exit 1
  fi
done

keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/braid-keyring.XXXXXX")
trap 'rm -rf "$keyring_home"' EXIT INT TERM

# Inside the private session: point the keyring at the temp HOME, unlock it with a throwaway
# password on stdin, export its environment, then run the command.
dbus-run-session -- sh -c '
  set -eu
  export HOME="$1"; shift
  export XDG_DATA_HOME="$HOME/.local/share" XDG_RUNTIME_DIR="$HOME/run"
  mkdir -p "$XDG_DATA_HOME/keyrings" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  eval "$(printf "braid-test\n" | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
  export GNOME_KEYRING_CONTROL BRAID_KEYRING_READY=1
  "$@"
' with-keyring "$keyring_home" "$@"
