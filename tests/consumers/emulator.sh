# Sourced by the example and consumer tests: starts a directline-emulator on a
# free loopback port with a random secret and cleans up on exit.
#   start_emulator EMULATOR WORKDIR  -> sets emu_pid, emu_base (http://127.0.0.1:PORT), emu_secret
emu_pid=
stop_emulator() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null; emu_pid=; fi
  return 0
}
start_emulator() {
  local emulator=$1 work=$2 line=
  [ -x "$emulator" ] || { echo "FAIL: emulator not found: $emulator (set DIRECTLINE_EMULATOR)"; return 1; }
  emu_secret="example-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s\n' "$emu_secret" >"$work/secret")
  "$emulator" --port 0 --secret-file "$work/secret" >"$work/emulator.out" 2>"$work/emulator.err" &
  emu_pid=$!
  for _ in $(seq 200); do
    line=$(head -n1 "$work/emulator.out" 2>/dev/null || true)
    [ -n "$line" ] && break
    kill -0 "$emu_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$line" ] || { cat "$work/emulator.err"; echo "FAIL: emulator did not start"; return 1; }
  [[ $line == "listening on "* ]] || { echo "FAIL: unexpected emulator output: $line"; return 1; }
  emu_base=${line#listening on }
}
