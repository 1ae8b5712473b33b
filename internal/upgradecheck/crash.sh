#!/bin/bash
# crash.sh REV PORT: populate with REV, snapshot, SIGKILL it, open with the current build.
set -u
REV=$1; PORT=$2; W=${UPG_DIR:-/tmp/upg33}; D=$W/crash-$REV; B=$W/bin; EP=http://127.0.0.1:$PORT
rm -rf $D; mkdir -p $D
f=""; $B/osslite-$REV -h 2>&1 | grep -q kms-root-key-file && f="-kms-root-key-file $W/kms.key"
$B/osslite-$REV -data $D/data -addr 127.0.0.1:$PORT $f > $D/old.log 2>&1 & P=$!
for i in $(seq 100); do curl -s -o /dev/null $EP/ && break; sleep 0.2; done
$B/upgradecheck populate -endpoint $EP 2> $D/populate.log >/dev/null
$B/upgradecheck snapshot -endpoint $EP -out $D/old.json >/dev/null
kill -KILL $P; wait $P 2>/dev/null
$B/osslite-cur -data $D/data -addr 127.0.0.1:$PORT -kms-root-key-file $W/kms.key -compact-interval 0 > $D/new.log 2>&1 & P=$!
for i in $(seq 100); do curl -s -o /dev/null $EP/ && break; sleep 0.2; done
$B/upgradecheck snapshot -endpoint $EP -out $D/new.json >/dev/null
kill -TERM $P; wait $P 2>/dev/null
echo "$REV killed, then current: $(python3 "$(dirname "$0")/diff.py" $D/old.json $D/new.json | tail -1)"
grep -i -m3 "recover\|corrupt\|level=error" $D/new.log | cut -c1-250
