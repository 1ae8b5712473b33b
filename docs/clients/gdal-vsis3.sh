#!/bin/bash
# GDAL 3.6.2 /vsis3/ (Debian bookworm gdal-bin, python3-gdal) against osslite
# (docs/sdk-suites.md, "barman-cloud and s3ql end to end").
# Usage: OSSLITE=/path/to/osslite bash docs/clients/gdal-vsis3.sh mem|disk|d2023
# apt-get install -y gdal-bin python3-gdal python3-boto3 zip
set -u
MODE=${1:-mem}
OSSLITE=${OSSLITE:-osslite}
HERE=$(cd "$(dirname "$0")" && pwd)
R=${WORK:-/tmp/deb33}/run-gdal-$MODE
PORT=19835; [ "$MODE" = disk ] && PORT=19836; [ "$MODE" = d2023 ] && PORT=19840
rm -rf $R; mkdir -p $R
DATA=""; [ "$MODE" = disk ] && { mkdir -p $R/data; DATA="-data $R/data"; }
[ "$MODE" = d2023 ] && { DATA="-s3-defaults-2023"; export DEFAULTS2023=1; }  # memory, S3's 2023 bucket defaults
$OSSLITE -addr 127.0.0.1:$PORT -access-key K33 -secret-key S33secret -bucket gdal33 $DATA \
  -log-level debug >$R/osslite.log 2>&1 &
echo $! >$R/osslite.pid
trap 'kill $(cat $R/osslite.pid) 2>/dev/null' EXIT
sleep 1
kill -0 $(cat $R/osslite.pid) || { echo "osslite did not start"; cat $R/osslite.log; exit 2; }
/usr/bin/python3 $HERE/gdal_vsis3.py http://127.0.0.1:$PORT gdal33 $R/work
RC=$?
echo; echo "=== server log"
grep -o 'operation=[A-Za-z]* status=[0-9]*' $R/osslite.log | sort | uniq -c | sed 's/^ */count /'
grep -E 'status=(4|5)[0-9][0-9]' $R/osslite.log | grep -o 'method=[A-Z]* bucket=[^ ]* key=[^ ]* operation=[A-Za-z]* status=[0-9]*.*error_code=[A-Za-z]*' | sed 's/bytes=.*error_code/error_code/' | sort | uniq -c | sed 's/^ */err /'
exit $RC
