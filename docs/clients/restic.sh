#!/bin/bash
# restic (current release, built from the Go module proxy) end to end against
# osslite (docs/sdk-suites.md, "WAL-G and restic (latest) end to end").
# Usage: OSSLITE=/path/to/osslite RESTIC=/path/to/restic bash docs/clients/restic.sh mem|disk|dns|tls|d2023
#   go install github.com/restic/restic/cmd/restic@v0.18.1   (the proxy's @latest is v0.10.0)
# mem: the default server; disk: -data DIR (restarted on it before the restore);
# dns: -o s3.bucket-lookup=dns against localhost (bucket.localhost:PORT reaches the
# server through HTTP_PROXY, since nothing resolves *.localhost here), and the
# copy repository on an OSS-style -domain (restic34b.oss-cn-hangzhou.osslite.test);
# d2023: -s3-defaults-2023 (new buckets get SSE-S3 by default);
# tls: -tls-self-signed, restic --cacert (minio-go's HTTPS defaults).
set -u
MODE=${1:-mem}
OSSLITE=${OSSLITE:-osslite}
RESTIC=${RESTIC:-restic}
R=${WORK:-/tmp/walg34}/run-restic-$MODE
PORT=19934; [ "$MODE" = disk ] && PORT=19935; [ "$MODE" = dns ] && PORT=19936; [ "$MODE" = tls ] && PORT=19938; [ "$MODE" = d2023 ] && PORT=19940
HOST=127.0.0.1; [ "$MODE" = dns ] && HOST=localhost
FAIL=0
step() { echo; echo "=== $*"; }
ok()   { echo "PASS: $*"; }
bad()  { echo "FAIL: $*"; FAIL=$((FAIL+1)); }

rm -rf "$R"; mkdir -p "$R"
DATA=""; [ "$MODE" = disk ] && { mkdir -p "$R/data"; DATA="-data $R/data"; }
[ "$MODE" = tls ] && DATA="-tls-self-signed -tls-ca-out $R/ca.pem"
[ "$MODE" = dns ] && DATA="-domain oss-cn-hangzhou.osslite.test"
[ "$MODE" = d2023 ] && DATA="-s3-defaults-2023"
start() {
  $OSSLITE -addr 127.0.0.1:$PORT -access-key K34 -secret-key S34secret $DATA \
    -log-level debug >>"$R/osslite.log" 2>&1 &
  echo $! >"$R/osslite.pid"
  sleep 1
  kill -0 "$(cat "$R/osslite.pid")" || { echo "osslite did not start"; cat "$R/osslite.log"; exit 2; }
}
stop() { kill "$(cat "$R/osslite.pid")" 2>/dev/null; wait "$(cat "$R/osslite.pid")" 2>/dev/null; }
start
trap 'kill $(cat $R/osslite.pid) 2>/dev/null' EXIT

export AWS_ACCESS_KEY_ID=K34 AWS_SECRET_ACCESS_KEY=S34secret RESTIC_PASSWORD=walg34-pass RESTIC_FROM_PASSWORD=walg34-pass
export RESTIC_CACHE_DIR=$R/cache
OPTS=()
if [ "$MODE" = dns ]; then
  OPTS=(-o s3.bucket-lookup=dns)
  export HTTP_PROXY=http://127.0.0.1:$PORT NO_PROXY=
fi
SCHEME=http; [ "$MODE" = tls ] && { SCHEME=https; OPTS=(--cacert "$R/ca.pem"); }
REPO=s3:$SCHEME://$HOST:$PORT/restic34/repo
REPO2=s3:$SCHEME://$HOST:$PORT/restic34b/copy
[ "$MODE" = dns ] && REPO2=s3:http://oss-cn-hangzhou.osslite.test:$PORT/restic34b/copy
rs() { timeout 300 "$RESTIC" "${OPTS[@]}" "$@" </dev/null; }

step "source tree: random files, duplicates, a 40 MiB file, empty file, symlink, deep dirs"
SRC=$R/src; mkdir -p "$SRC/a/b/c" "$SRC/empty-dir"
for i in $(seq 1 40); do head -c $((RANDOM * 7)) /dev/urandom >"$SRC/a/f$i.bin"; done
head -c $((40 << 20)) /dev/urandom >"$SRC/big.bin"
cp "$SRC/a/f1.bin" "$SRC/a/b/c/dup-of-f1.bin"
: >"$SRC/empty.txt"; ln -s a/f2.bin "$SRC/link"
echo "héllo wörld" >"$SRC/a/b/ünïcode name.txt"

step "init (makes the bucket), backup, second backup"
rs -r "$REPO" init && ok init || bad init
rs -r "$REPO" backup "$SRC" --host walg34 >"$R/b1.log" 2>&1 && ok "backup 1" || { bad "backup 1"; tail "$R/b1.log"; }
head -c $((3 << 20)) /dev/urandom >"$SRC/a/new-after-b1.bin"; rm "$SRC/a/f3.bin"
rs -r "$REPO" backup "$SRC" --host walg34 >"$R/b2.log" 2>&1 && ok "backup 2" || { bad "backup 2"; tail "$R/b2.log"; }
n=$(rs -r "$REPO" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 2 ] && ok "snapshots: 2" || bad "snapshots: $n"
rs -r "$REPO" check --read-data >"$R/check1.log" 2>&1 && ok "check --read-data" || { bad "check --read-data"; tail "$R/check1.log"; }

if [ "$MODE" = disk ]; then step "restart the server on the same -data"; stop; start; fi

step "restore latest, byte-compare"
rs -r "$REPO" restore latest --target "$R/restore" >"$R/restore.log" 2>&1 && ok restore || { bad restore; tail "$R/restore.log"; }
diff -r --no-dereference "$SRC" "$R/restore$SRC" && ok "restored tree identical" || bad "restored tree differs"

step "copy to a second repository (another bucket)"
rs -r "$REPO2" init --from-repo "$REPO" --copy-chunker-params >"$R/init2.log" 2>&1 && ok "init copy repo" || { bad "init copy repo"; tail "$R/init2.log"; }
rs -r "$REPO2" copy --from-repo "$REPO" >"$R/copy.log" 2>&1 && ok copy || { bad copy; tail "$R/copy.log"; }
rs -r "$REPO2" check --read-data >"$R/check2.log" 2>&1 && ok "check copy --read-data" || { bad "check copy"; tail "$R/check2.log"; }
rs -r "$REPO2" restore latest --target "$R/restore2" >/dev/null 2>&1 &&
  diff -r --no-dereference "$SRC" "$R/restore2$SRC" && ok "copy restored identical" || bad "copy restore"

step "forget --keep-last 1 --prune, check"
rs -r "$REPO" forget --keep-last 1 --prune >"$R/prune.log" 2>&1 && ok "forget --prune" || { bad "forget --prune"; tail "$R/prune.log"; }
n=$(rs -r "$REPO" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 1 ] && ok "snapshots after forget: 1" || bad "snapshots after forget: $n"
rs -r "$REPO" check --read-data >"$R/check3.log" 2>&1 && ok "check after prune" || { bad "check after prune"; tail "$R/check3.log"; }

step "beyond the defaults: 64 MiB packs (minio-go multipart), s3.storage-class, s3.list-objects-v1, more commands"
head -c $((100 << 20)) /dev/urandom >"$SRC/huge.bin"
rs -r "$REPO" backup "$SRC" --host walg34 --pack-size 64 -o s3.storage-class=STANDARD_IA >"$R/b3.log" 2>&1 &&
  ok "backup --pack-size 64 -o s3.storage-class=STANDARD_IA" || { bad "backup --pack-size 64"; tail "$R/b3.log"; }
rs -r "$REPO" -o s3.list-objects-v1=true check --read-data >"$R/check4.log" 2>&1 && ok "check -o s3.list-objects-v1=true --read-data" || { bad "check list v1"; tail "$R/check4.log"; }
rs -r "$REPO" restore latest --target "$R/restore3" --include /huge.bin --include "$SRC/huge.bin" >/dev/null 2>&1 &&
  cmp "$SRC/huge.bin" "$R/restore3$SRC/huge.bin" && ok "100 MiB file restored identical" || bad "100 MiB restore"
rs -r "$REPO" stats --mode raw-data >/dev/null 2>&1 && ok "stats --mode raw-data" || bad stats
rs -r "$REPO" ls latest >/dev/null 2>&1 && ok ls || bad ls
rs -r "$REPO" find "ünïcode name.txt" >"$R/find.log" 2>&1; grep -q "ünïcode" "$R/find.log" && ok find || bad find
rs -r "$REPO" tag --add walg34 latest >"$R/tag.log" 2>&1 && ok tag || { bad tag; tail "$R/tag.log"; }
echo second >"$R/pw2"; rs -r "$REPO" key add --new-password-file "$R/pw2" >"$R/key.log" 2>&1 && ok "key add" || { bad "key add"; tail "$R/key.log"; }
[ "$(rs -r "$REPO" key list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] && ok "key list: 2" || bad "key list"
RESTIC_PASSWORD=second rs -r "$REPO" snapshots >/dev/null 2>&1 && ok "open with the second key" || bad "second key"
rs -r "$REPO" repair index >/dev/null 2>&1 && ok "repair index" || bad "repair index"
rs -r "$REPO" rewrite --exclude "$SRC/big.bin" --forget latest >/dev/null 2>&1 && ok "rewrite --forget" || bad rewrite
rs -r "$REPO" prune --max-unused 0 >"$R/prune2.log" 2>&1 && ok "prune --max-unused 0" || { bad "prune --max-unused 0"; tail "$R/prune2.log"; }
rs -r "$REPO" check --read-data >"$R/check5.log" 2>&1 && ok "check after rewrite and prune" || { bad "check after rewrite"; tail "$R/check5.log"; }
grep -q 'x-amz-storage-class' "$R/osslite.log" || grep -qi 'X-Amz-Storage-Class' "$R/osslite.log" && ok "storage class sent" || true

step "server log"
grep -o 'operation=[A-Za-z0-9]* status=[0-9]*' "$R/osslite.log" | sort | uniq -c | sort -rn | head -30
grep -E 'status=(4|5)[0-9][0-9]' "$R/osslite.log" | cut -c1-400 | head -20
echo; echo "restic $MODE: $FAIL failure(s)"
exit $FAIL
