#!/usr/bin/env node
// Runs a command with a working Secret Service, so keytar talks to a real keychain.
//
// On Linux without one, this starts a private D-Bus session and an unlocked gnome-keyring in a
// throwaway HOME, and runs the command inside it. On macOS and Windows (and inside an already
// prepared session) the system keychain is used and the command simply runs.
//
//   node test/with-keyring.mjs vitest run
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node test/with-keyring.mjs <command> [args…]');
  process.exit(2);
}

// Inside the private session: point the keyring at the temp HOME, start it in the foreground
// (so its pid is ours to stop) unlocked with a throwaway password on stdin, wait until the
// Secret Service is on the bus, run the command, then stop the keyring.
const INSIDE = `
  set -u
  export HOME="$1"; shift
  export XDG_DATA_HOME="$HOME/.local/share" XDG_RUNTIME_DIR="$HOME/run"
  mkdir -p "$XDG_DATA_HOME/keyrings" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  printf 'braid-test\\n' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
  keyring=$!
  tries=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$keyring" 2>/dev/null; then
      echo "with-keyring: gnome-keyring did not start its Secret Service" >&2
      exit 1
    fi
    sleep 0.05
  done
  export BRAID_KEYRING_READY=1
  "$@"
  status=$?
  kill "$keyring" 2>/dev/null
  wait "$keyring" 2>/dev/null
  exit "$status"
`;

function missing(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0;
}

let child;
let cleanup = () => undefined;
if (process.platform === 'linux' && !process.env.BRAID_KEYRING_READY) {
  const absent = ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon'].filter(missing);
  if (absent.length > 0) {
    console.error(`with-keyring: ${absent.join(' and ')} missing. Install dbus and gnome-keyring (apt-get install dbus gnome-keyring).`);
    process.exit(1);
  }
  const home = mkdtempSync(join(tmpdir(), 'braid-keyring-'));
  cleanup = () => rmSync(home, { recursive: true, force: true });
  child = spawn('dbus-run-session', ['--', 'sh', '-c', INSIDE, 'with-keyring', home, ...command], { stdio: 'inherit' });
} else {
  child = spawn(command[0], command.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' });
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`with-keyring: could not start ${command[0]}: ${error.message}`);
  cleanup();
  process.exit(1);
});
child.on('exit', (code, signal) => {
  cleanup();
  process.exit(code ?? (signal ? 1 : 0));
});
