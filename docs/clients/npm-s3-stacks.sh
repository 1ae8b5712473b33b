#!/bin/bash
# S3 clients from npm with stacks of their own (Rust object_store through
# LanceDB and nodejs-polars, Apache OpenDAL, aws-lite, aws4fetch, s3mini,
# knox) end to end against osslite (docs/sdk-suites.md, "Rust object_store
# and other npm S3 stacks (thirty-fourth session)").
# Usage: OSSLITE=/path/to/osslite bash docs/clients/npm-s3-stacks.sh mem|disk [script...]
# Needs node >= 20 and npm; installs the pinned packages under $WORK/js once.
set -u
MODE=${1:-mem}; shift
HERE=$(cd "$(dirname "$0")" && pwd)/npm-s3-stacks
OSSLITE=${OSSLITE:-osslite}
W=${WORK:-/tmp/rs34}
R=$W/run-$MODE
PORT=19834; [ "$MODE" = disk ] && PORT=19835
SCRIPTS=${*:-lancedb polars opendal aws-lite aws4fetch s3mini knox}

mkdir -p $W/js
if [ ! -d $W/js/node_modules/@lancedb ]; then
  (cd $W/js && npm init -y >/dev/null &&
   npm i -E @lancedb/lancedb@0.39.0 apache-arrow@18.1.0 \
     nodejs-polars@0.26.1 nodejs-polars-linux-x64-gnu@0.26.1 \
     opendal@0.49.2 @opendal/lib-linux-x64-gnu@0.49.2 \
     @aws-lite/client@0.23.7 @aws-lite/s3@0.2.7 aws4fetch@1.0.20 s3mini@1.0.2 knox@0.9.2) || exit 2
fi
cp $HERE/*.mjs $W/js/

rm -rf $R; mkdir -p $R
DATA=""; [ "$MODE" = disk ] && { mkdir -p $R/data; DATA="-data $R/data"; }
$OSSLITE -addr 127.0.0.1:$PORT $DATA -log-level debug >$R/osslite.log 2>&1 &
echo $! >$R/osslite.pid
trap 'kill $(cat $R/osslite.pid) 2>/dev/null' EXIT
sleep 1
kill -0 $(cat $R/osslite.pid) || { echo "osslite did not start"; cat $R/osslite.log; exit 2; }

FAIL=0
for s in $SCRIPTS; do
  echo "=== $s"
  S3_ENDPOINT=http://127.0.0.1:$PORT timeout 600 node $W/js/$s.mjs || FAIL=$((FAIL+1))
done
echo "=== requests by operation and status"
grep 'msg=request' $R/osslite.log |
  sed -E 's/.* operation=([A-Za-z0-9]+) status=([0-9]+).*/\1 \2/' | sort | uniq -c | sort -rn
echo "$FAIL script(s) failed"
exit $FAIL
