#!/bin/bash
# run.sh old|new|work|reverse REV PORT
# Builds are $W/bin/osslite-REV (cur: this tree), the harness $W/bin/upgradecheck
# (a wrapper running internal/upgradecheck's test binary with UPGRADECHECK set).
W=${UPG_DIR:-/tmp/upg33}
set -u
STEP=$1; REV=$2; PORT=$3; D=$W/run-$REV; B=$W/bin
EP=http://127.0.0.1:$PORT
flags() { # build
  local f=""
  $B/osslite-$1 -h 2>&1 | grep -q kms-root-key-file && f="$f -kms-root-key-file $W/kms.key"
  $B/osslite-$1 -h 2>&1 | grep -q compact-interval && f="$f -compact-interval ${CI:-0}"
  echo $f
}
start() { # build logname
  $B/osslite-$1 -data $D/data -addr 127.0.0.1:$PORT $(flags $1) ${EXTRA:-} > $D/$2.log 2>&1 &
  echo $! > $D/pid
  for i in $(seq 100); do curl -s -o /dev/null $EP/ && return; sleep 0.2; done
  echo "server $1 did not start"; tail -5 $D/$2.log
}
stop() { kill -TERM $(cat $D/pid); while kill -0 $(cat $D/pid) 2>/dev/null; do sleep 0.1; done; }
case $STEP in
old)
  rm -rf $D; mkdir -p $D
  start $REV old
  $B/upgradecheck populate -endpoint $EP 2> $D/populate.log
  $B/upgradecheck snapshot -endpoint $EP -out $D/old.json
  stop; cp -a $D/data $D/data-old ;;
new)
  start cur new1
  $B/upgradecheck snapshot -endpoint $EP -out $D/new1.json
  $B/upgradecheck compare $D/old.json $D/new1.json > $D/compare-old-new1.txt
  echo "$REV old->new: $(grep -E "differences|identical" $D/compare-old-new1.txt)"
  stop
  start cur new2
  $B/upgradecheck snapshot -endpoint $EP -out $D/new2.json
  stop
  $B/upgradecheck compare $D/new1.json $D/new2.json > $D/compare-new1-new2.txt
  echo "$REV new restart: $(grep -E "differences|identical" $D/compare-new1-new2.txt)" ;;
work)
  start cur work
  $B/upgradecheck work -endpoint $EP 2> $D/work.log
  $B/upgradecheck snapshot -endpoint $EP -out $D/work1.json
  stop
  CI=1s EXTRA="-lifecycle-day 2s -compact-dead-ratio 0.05" start cur work2
  sleep 6
  $B/upgradecheck snapshot -endpoint $EP -out $D/work2.json
  stop
  start cur work3
  $B/upgradecheck snapshot -endpoint $EP -out $D/work3.json
  stop
  $B/upgradecheck compare $D/work1.json $D/work2.json > $D/compare-work1-work2.txt
  $B/upgradecheck compare $D/work2.json $D/work3.json > $D/compare-work2-work3.txt
  echo "$REV work then lifecycle+compaction: $(grep -E "differences|identical" $D/compare-work1-work2.txt); restart: $(grep -E "differences|identical" $D/compare-work2-work3.txt)"
  du -sh $D/data-old/blobs $D/data/blobs ;;
reverse)
  start $REV reverse
  $B/upgradecheck snapshot -endpoint $EP -out $D/reverse.json
  stop
  $B/upgradecheck compare $D/work3.json $D/reverse.json > $D/compare-reverse.txt
  echo "$REV reading the current build's store: $(grep -E "differences|identical" $D/compare-reverse.txt)"; grep -i -m3 "error\|panic" $D/reverse.log ;;
esac
