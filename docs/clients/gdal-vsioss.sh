#!/bin/bash
# GDAL 3.6.2 /vsioss/ (Aliyun OSS, signature v1) against osslite
# (docs/sdk-suites.md, "barman-cloud and s3ql end to end").
# Usage: OSSLITE=/path/to/osslite bash docs/clients/gdal-vsioss.sh mem|disk
set -u
MODE=${1:-mem}
OSSLITE=${OSSLITE:-osslite}
HERE=$(cd "$(dirname "$0")" && pwd)
R=${WORK:-/tmp/deb33}/run-gdaloss-$MODE
PORT=19838; [ "$MODE" = disk ] && PORT=19839
rm -rf $R; mkdir -p $R
DATA=""; [ "$MODE" = disk ] && { mkdir -p $R/data; DATA="-data $R/data"; }
$OSSLITE -addr 127.0.0.1:$PORT -access-key K33 -secret-key S33secret -bucket gdaloss33 $DATA \
  -log-level debug >$R/osslite.log 2>&1 &
echo $! >$R/osslite.pid
trap 'kill $(cat $R/osslite.pid) 2>/dev/null' EXIT
sleep 1
kill -0 $(cat $R/osslite.pid) || { echo "osslite did not start"; cat $R/osslite.log; exit 2; }
/usr/bin/python3 $HERE/gdal_vsioss.py http://127.0.0.1:$PORT gdaloss33 $R/work
RC=$?
echo; echo "=== server log"
grep -o 'operation=[A-Za-z]* status=[0-9]*' $R/osslite.log | sort | uniq -c | sed 's/^ */count /'
grep -E 'status=(4|5)[0-9][0-9]' $R/osslite.log | grep -o 'method=[A-Z]* bucket=[^ ]* key=[^ ]* operation=[A-Za-z]* status=[0-9]*.*error_code=[A-Za-z]*' | sed 's/bytes=.*error_code/error_code/' | sort | uniq -c | sed 's/^ */err /'
exit $RC
