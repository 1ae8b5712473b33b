#!/bin/bash
# barman-cli-cloud 3.4.0 (Debian bookworm) end to end against osslite
# (docs/sdk-suites.md, "barman-cloud and s3ql end to end").
# Usage: OSSLITE=/path/to/osslite bash docs/clients/barman-cloud.sh mem|disk|d2023
# As root: apt-get install -y barman-cli-cloud python3-snappy postgresql awscli
# (any aws CLI); it makes and drops PostgreSQL 15 clusters deb33* on ports 55433-55438.
set -u
MODE=${1:-mem}
OSSLITE=${OSSLITE:-osslite}
R=${WORK:-/tmp/deb33}/run-barman-$MODE
PORT=19833; [ "$MODE" = disk ] && PORT=19834; [ "$MODE" = d2023 ] && PORT=19841
PGSRC=deb33s; PGDST=deb33r; PGPORT=55433; PGPORT2=55434
[ "$MODE" = disk ] && { PGSRC=deb33sd; PGDST=deb33rd; PGPORT=55435; PGPORT2=55436; }
[ "$MODE" = d2023 ] && { PGSRC=deb33s3; PGDST=deb33r3; PGPORT=55437; PGPORT2=55438; }
EP=http://127.0.0.1:$PORT
URL=s3://barman/pg15
SRV=main
FAIL=0
step() { echo; echo "=== $*"; }
ok()   { echo "PASS: $*"; }
bad()  { echo "FAIL: $*"; FAIL=$((FAIL+1)); }

# --- clean start
for c in $PGSRC $PGDST; do
  pg_ctlcluster 15 $c stop -m immediate 2>/dev/null; pg_dropcluster 15 $c 2>/dev/null
  rm -rf /var/lib/postgresql/15/$c /etc/postgresql/15/$c
done
rm -rf $R; mkdir -p $R; chmod 755 $R $(dirname $R)
# on disk SSE-S3 needs a KMS root key (README "Keys"); it must lie outside -data
DATA=""; [ "$MODE" = disk ] && { mkdir -p $R/data; DATA="-data $R/data -kms-root-key-file $R/kms.key"; }
[ "$MODE" = d2023 ] && DATA="-s3-defaults-2023"   # memory, S3's 2023 bucket defaults
$OSSLITE -addr 127.0.0.1:$PORT -access-key K33 -secret-key S33secret $DATA \
  -log-level debug >$R/osslite.log 2>&1 &
echo $! >$R/osslite.pid
trap 'kill $(cat $R/osslite.pid) 2>/dev/null' EXIT
sleep 1
kill -0 $(cat $R/osslite.pid) || { echo "osslite did not start"; cat $R/osslite.log; exit 2; }

# --- environment for every barman command, also for postgres' archive/restore commands
cat >$R/env.sh <<EOF
export AWS_ACCESS_KEY_ID=K33 AWS_SECRET_ACCESS_KEY=S33secret AWS_DEFAULT_REGION=us-east-1
EOF
cat >$R/wal-archive.sh <<EOF
#!/bin/sh
. $R/env.sh
exec barman-cloud-wal-archive --endpoint-url $EP \$(cat $R/walcomp) $URL $SRV "\$1" 2>>$R/wal-archive.log
EOF
cat >$R/wal-restore.sh <<EOF
#!/bin/sh
. $R/env.sh
exec barman-cloud-wal-restore --endpoint-url $EP $URL $SRV "\$1" "\$2" 2>>$R/wal-restore.log
EOF
echo -z >$R/walcomp
chmod 755 $R/*.sh; chmod 644 $R/walcomp; touch $R/wal-archive.log $R/wal-restore.log; chmod 666 $R/*.log
. $R/env.sh
B() { "$@" --endpoint-url $EP; }   # not used: options must precede positionals
bc() { local c=$1; shift; "$c" --endpoint-url $EP "$@"; }
pgs() { su postgres -c "psql -p $PGPORT -X -q -t -A $*"; }

step "source cluster"
pg_createcluster 15 $PGSRC -p $PGPORT -- --data-checksums >/dev/null
cat >/etc/postgresql/15/$PGSRC/conf.d/deb33.conf <<EOF
archive_mode = on
archive_command = '$R/wal-archive.sh %p'
wal_level = replica
max_wal_senders = 4
EOF
pg_ctlcluster 15 $PGSRC start || bad "source cluster start"

step "connectivity tests (-t); the bucket does not exist yet"
bc barman-cloud-wal-archive -t $URL $SRV 000000010000000000000001 &&  # 3.4 wants a wal_path even with -t
  true && ok "wal-archive -t" || bad "wal-archive -t"
bc barman-cloud-backup -t $URL $SRV && ok "backup -t" || bad "backup -t"

step "data: pgbench -i -s 4 and a marker table"
su postgres -c "pgbench -p $PGPORT -q -i -s 4 postgres" >/dev/null 2>&1 || bad pgbench
TS=/var/lib/postgresql/deb33-ts-$MODE; TSR=/var/lib/postgresql/deb33-tsr-$MODE
rm -rf $TS $TSR; install -d -o postgres -g postgres -m 700 $TS
pgs "-c \"create tablespace ts33 location '$TS'\""
pgs "-c \"create table marks(n int, note text) tablespace ts33; insert into marks values (1,'before b1')\""
pgs "-c \"create table tsdata tablespace ts33 as select g, md5(g::text) from generate_series(1,200000) g\""
pgs "-c 'select pg_switch_wal()'" >/dev/null

step "backup 1: gzip, named, immediate checkpoint, split into archives of 8 MB"
su postgres -c ". $R/env.sh; barman-cloud-backup --endpoint-url $EP -z --immediate-checkpoint -p $PGPORT -n nightly-one -S 8MB $URL $SRV" \
  && ok "backup 1 (gzip)" || bad "backup 1 (gzip)"
pgs "-c \"insert into marks values (2,'before b2')\""
echo -j >$R/walcomp; su postgres -c "psql -p $PGPORT -q -c 'select pg_reload_conf()'" >/dev/null
pgs "-c 'select pg_switch_wal()'" >/dev/null

step "backup 2: bzip2, 4 jobs"
su postgres -c ". $R/env.sh; barman-cloud-backup --endpoint-url $EP -j --immediate-checkpoint -p $PGPORT -J 4 -S 6MB $URL $SRV" \
  && ok "backup 2 (bzip2)" || bad "backup 2 (bzip2)"
pgs "-c \"insert into marks values (3,'before b3')\""
echo -z >$R/walcomp
pgs "-c 'select pg_switch_wal()'" >/dev/null

step "snappy: Debian's python3-snappy 0.5.3 cannot stream-compress on Python 3.11"
/usr/bin/python3 -c "import snappy; snappy.StreamCompressor().add_chunk(b'x')" 2>&1 | tail -1

step "backup 3: gzip, with tags, SSE-KMS (the default key)"
su postgres -c ". $R/env.sh; barman-cloud-backup --endpoint-url $EP -z --immediate-checkpoint -p $PGPORT -e aws:kms --tags env,test owner,deb33 -- $URL $SRV" \
  && ok "backup 3 (gzip, tags, aws:kms)" || bad "backup 3 (gzip, tags, aws:kms)"
pgs "-c \"insert into marks values (4,'before b4')\""
echo "" >$R/walcomp
pgs "-c 'select pg_switch_wal()'" >/dev/null

step "backup 4: uncompressed, SSE AES256, archives of 16 MB"
su postgres -c ". $R/env.sh; barman-cloud-backup --endpoint-url $EP --immediate-checkpoint -p $PGPORT -e AES256 -S 16MB -n final $URL $SRV" \
  && ok "backup 4 (plain, AES256)" || bad "backup 4 (plain, AES256)"

step "backup-list"
bc barman-cloud-backup-list $URL $SRV | tee $R/list1.txt
bc barman-cloud-backup-list --format json $URL $SRV >$R/list1.json || bad "backup-list json"
IDS=($(python3 -c "import json,sys; print(' '.join(b['backup_id'] for b in json.load(open('$R/list1.json'))['backups_list']))"))
echo "ids: ${IDS[*]}"
[ ${#IDS[@]} -eq 4 ] && ok "4 backups listed" || bad "expected 4 backups, got ${#IDS[@]}"

step "backup-show (by id and by name)"
bc barman-cloud-backup-show $URL $SRV ${IDS[0]} >$R/show1.txt && ok "show ${IDS[0]}" || bad "show ${IDS[0]}"
bc barman-cloud-backup-show --format json $URL $SRV final >$R/show-last.json && ok "show final (json)" || bad "show by name"
grep -q '"status": "DONE"' $R/show-last.json && ok "status DONE" || bad "status of final"
head -20 $R/show1.txt

step "object tags on backup 3 (aws CLI get-object-tagging)"
if command -v aws >/dev/null; then
  K=$(aws --endpoint-url $EP s3api list-objects-v2 --bucket barman --prefix pg15/$SRV/base/${IDS[2]}/ --query 'Contents[0].Key' --output text)
  aws --endpoint-url $EP s3api get-object-tagging --bucket barman --key "$K" --output text | tee $R/tags.txt
  grep -q deb33 $R/tags.txt && ok "tags stored" || bad "tags on $K"
  aws --endpoint-url $EP s3api head-object --bucket barman --key "$K" --query ServerSideEncryption --output text | grep -q aws:kms && ok "aws:kms stored" || bad "SSE of $K"
fi

step "check-wal-archive: the prefix in use must fail, a fresh server name must pass"
bc barman-cloud-check-wal-archive $URL $SRV && bad "check-wal-archive passed on a used archive" || ok "check-wal-archive refuses the used archive"
bc barman-cloud-check-wal-archive $URL fresh && ok "check-wal-archive on empty archive" || bad "check-wal-archive on empty archive"
bc barman-cloud-check-wal-archive --timeline 2 $URL $SRV && ok "check-wal-archive --timeline 2" || bad "check-wal-archive --timeline 2"

step "backup-keep: keep backup 2 as standalone, then status and release"
bc barman-cloud-backup-keep --target standalone $URL $SRV ${IDS[1]} && ok "keep" || bad "keep"
bc barman-cloud-backup-keep -s $URL $SRV ${IDS[1]} | tee $R/keep.txt; grep -q standalone $R/keep.txt && ok "keep status" || bad "keep status"

step "backup-delete by id (backup 1), then REDUNDANCY 1 (dry run, then real)"
bc barman-cloud-backup-delete -b ${IDS[0]} $URL $SRV && ok "delete by id" || bad "delete by id"
bc barman-cloud-backup-delete -r "RECOVERY WINDOW OF 1 DAYS" --dry-run $URL $SRV >$R/dry-window.txt 2>&1
grep -q Skipping $R/dry-window.txt && bad "a 1-day window would delete today's backups" || ok "RECOVERY WINDOW OF 1 DAYS keeps today's backups"
bc barman-cloud-backup-delete -r "REDUNDANCY 1" --dry-run $URL $SRV | tee $R/dry.txt
bc barman-cloud-backup-delete -r "REDUNDANCY 1" $URL $SRV && ok "delete by retention" || bad "delete by retention"
bc barman-cloud-backup-list --format json $URL $SRV >$R/list2.json
LEFT=$(python3 -c "import json; print(' '.join(b['backup_id'] for b in json.load(open('$R/list2.json'))['backups_list']))")
echo "left: $LEFT"
[ "$LEFT" = "${IDS[1]} ${IDS[3]}" ] && ok "retention kept the archival backup 2 and the newest" || bad "after retention: $LEFT"
aws --endpoint-url $EP s3 ls --recursive s3://barman/pg15/$SRV/base/ | awk '{print $4}' | cut -d/ -f4 | sort -u | tr '\n' ' '; echo
bc barman-cloud-backup-keep -r $URL $SRV ${IDS[1]} && ok "release keep" || bad "release keep"
bc barman-cloud-backup-delete -r "REDUNDANCY 1" $URL $SRV && ok "retention after release" || bad "retention after release"
N=$(bc barman-cloud-backup-list --format json $URL $SRV | python3 -c "import json,sys; print(len(json.load(sys.stdin)['backups_list']))")
[ "$N" = 1 ] && ok "one backup left" || bad "backups left: $N"

step "pgbench transactions and a row after the last backup, archived"
su postgres -c "pgbench -p $PGPORT -c 2 -t 300 postgres" >/dev/null 2>&1 || bad "pgbench run"
pgs "-c \"insert into marks values (5,'after last backup')\""
pgs "-c 'select pg_switch_wal()'" >/dev/null
LASTWAL=$(pgs "-c 'select pg_walfile_name(pg_current_wal_lsn())'")
pgs "-c 'select pg_switch_wal()'" >/dev/null
for i in $(seq 30); do
  A=$(pgs "-c 'select last_archived_wal from pg_stat_archiver'")
  [[ "$A" > "$LASTWAL" || "$A" == "$LASTWAL" ]] && break; sleep 1
done
pgs "-c 'select archived_count, failed_count, last_archived_wal from pg_stat_archiver'"
Q='select count(*), sum(abalance), md5(string_agg(aid::text||$$:$$||abalance::text, $$,$$ order by aid)) from pgbench_accounts'
SUM=$(su postgres -c "psql -p $PGPORT -X -t -A" <<<"$Q")
MARKS=$(pgs "-c 'select string_agg(n::text, \$\$,\$\$ order by n) from marks'")
TSQ='select count(*), md5(string_agg(md5, $$$$ order by g)) from tsdata'
TSSUM=$(su postgres -c "psql -p $PGPORT -X -t -A" <<<"$TSQ")
echo "source: accounts $SUM marks $MARKS"

if [ "$MODE" = disk ]; then
  step "disk: restart osslite on the same -data before restoring"
  kill $(cat $R/osslite.pid); sleep 1
  $OSSLITE -addr 127.0.0.1:$PORT -access-key K33 -secret-key S33secret $DATA \
    -log-level debug >>$R/osslite.log 2>&1 &
  echo $! >$R/osslite.pid; sleep 1
  kill -0 $(cat $R/osslite.pid) && ok "restarted" || bad "restart"
fi

step "wal-restore of one segment, byte-compared with pg_wal"
SEG=$(pgs "-c 'select last_archived_wal from pg_stat_archiver'")
bc barman-cloud-wal-restore $URL $SRV $SEG $R/$SEG && cmp $R/$SEG /var/lib/postgresql/15/$PGSRC/pg_wal/$SEG && ok "wal-restore $SEG identical" || bad "wal-restore $SEG"
bc barman-cloud-wal-restore $URL $SRV 0000000100000099000000FF $R/nothere; RC=$?
[ $RC = 1 ] && ok "missing WAL: exit 1" || bad "missing WAL: exit $RC"

step "restore the newest backup and replay the archive"
pg_ctlcluster 15 $PGSRC stop
DST=/var/lib/postgresql/15/$PGDST
rm -rf $DST; install -d -o postgres -g postgres -m 700 $DST
install -d -o postgres -g postgres -m 700 $TSR
su postgres -c ". $R/env.sh; barman-cloud-restore --endpoint-url $EP --tablespace ts33:$TSR $URL $SRV ${IDS[3]} $DST" && ok "restore (tablespace relocated)" || bad "restore"
[ "$(readlink $DST/pg_tblspc/*)" = "$TSR" ] && ok "tablespace link to $TSR" || bad "tablespace link $(ls -l $DST/pg_tblspc)"
pg_createcluster 15 $PGDST -p $PGPORT2 -d $DST >/dev/null || bad "integrate restored cluster"
cat >/etc/postgresql/15/$PGDST/conf.d/deb33.conf <<EOF
restore_command = '$R/wal-restore.sh %f %p'
archive_mode = off
EOF
su postgres -c "touch $DST/recovery.signal"
pg_ctlcluster 15 $PGDST start || { bad "restored cluster start"; tail -30 /var/log/postgresql/postgresql-15-$PGDST.log; }
for i in $(seq 60); do
  [ "$(su postgres -c "psql -p $PGPORT2 -X -t -A -c 'select pg_is_in_recovery()'" 2>/dev/null)" = f ] && break; sleep 1
done
SUM2=$(su postgres -c "psql -p $PGPORT2 -X -t -A" <<<"$Q")
MARKS2=$(su postgres -c "psql -p $PGPORT2 -X -t -A -c \"select string_agg(n::text, ',' order by n) from marks\"")
echo "restored: accounts $SUM2 marks $MARKS2"
TSSUM2=$(su postgres -c "psql -p $PGPORT2 -X -t -A" <<<"$TSQ")
echo "tablespace table: source $TSSUM restored $TSSUM2"
[ "$SUM2" = "$SUM" ] && [ "$MARKS2" = "$MARKS" ] && [ -n "$TSSUM" ] && [ "$TSSUM2" = "$TSSUM" ] && ok "restored data identical (marks $MARKS2)" || bad "restored data differs"

step "server log: 4xx/5xx"
grep -o 'operation=[A-Za-z]* status=[0-9]*' $R/osslite.log | sort | uniq -c | sed 's/^ */count /'
aws --endpoint-url $EP s3 ls --recursive s3://barman/pg15/$SRV/base/ | sed 's/^/object /'
echo "wal-archive.log:"; tail -5 $R/wal-archive.log
pg_ctlcluster 15 $PGDST stop 2>/dev/null
echo; echo "barman $MODE: failures $FAIL"
