#!/bin/bash
# minio-py's own functional suite (tests/functional/tests.py, the one
# MinIO's mint runs as run/core/minio-py) against osslite, over plain HTTP
# and over TLS (docs/sdk-suites.md, "minio-py's functional tests
# (thirty-fourth session)").
#
# minio-py is not packaged in Debian and PyPI is not reachable, so the
# package cannot be downloaded here: rebuild it first, file by file, from a
# copy of minio/minio-py, into $MPY (default /tmp/mpy34/minio-py). The
# files and the sha256 of the copy used are listed below; this script
# checks them and stops on any difference (set MPY_NOCHECK=1 to run another
# copy anyway).
#
# Usage: OSSLITE=/path/to/osslite bash docs/clients/minio-py.sh [http|tls|both]
# Needs: apt-get install -y python3-urllib3 python3-certifi python3-typing-extensions
set -u
MODE=${1:-both}
OSSLITE=${OSSLITE:-osslite}
MPY=${MPY:-/tmp/mpy34/minio-py}
W=${WORK:-/tmp/mpy34}
PY=${PYTHON:-/usr/bin/python3}   # Debian's, with python3-urllib3 1.26

# sha256 of each file of the copy this section ran (see docs/sdk-suites.md
# for the commit each came from). minio/__init__.py is the stored file with
# one line commented out: "from .minioadmin import MinioAdmin as MinioAdmin"
# (the admin API is MinIO's own and its module was not rebuilt).
MANIFEST='
87f7c8323f294b6107be142bc1a12342d1af7053dd8fd6c9532dce2e19e3670b minio/__init__.py
a03b9c11aa6db347063672eb36bf25a99bcf43c8c0ff7e97728e901ebb48500d minio/api.py
bbd8abf4fb9a2faed4a22dbe1a24ac4556e85ccfda5f4125f8de0f66fca55ea8 minio/commonconfig.py
b227baeb17528be7d14cdfe2f896b7606d146160d418450bcbc9b33d45cb0c22 minio/credentials/__init__.py
763fdb98419ade48444a5735ae09471cb66645d9b4082fb2ef84a87d75553e69 minio/credentials/credentials.py
4f5412318c0f52e512eb06447eff92697ececd8c20869cf05ee0b98f5342c234 minio/credentials/providers.py
81b1f0bd9b2277d262a42054e41aba7525db0dce8e16a3ff245bd443027eb1d8 minio/datatypes.py
107a2e5aa01103fd98bf81c7c28de614f38fd0981158592cb91eff05c2afb576 minio/deleteobjects.py
d913d06f64c526bad5c537b39fa46f46e89cb9db0492469783249c65d4632add minio/error.py
54cec4e4244c74048ae3059aa96dbccb4d80f541c0c57039d63c95a2a5379f97 minio/helpers.py
856b1948c99f7435c3d1eccecc3392ea194654b8f6b48e713a2fa52ba7f28c5f minio/legalhold.py
51c29f77a3d64cbbe41c829eb64cc7adb00050af2cc5c2b330d1edaa56855ac1 minio/lifecycleconfig.py
64e96c24a24bd512fedb0e1dea0c37fc4f0faf02ceb23c2e0dc91dc3ddb3622a minio/notificationconfig.py
10b57f416b5345f2b1062f3ab8291fe7d573280211ea6badce7c824213ad1355 minio/objectlockconfig.py
1ffa526d87b7d7268b5b5a7260fbdb5527725f114ce6935f9ff2af5f2b3deccc minio/replicationconfig.py
4cfdff0e15df428e9a36361aa8ad9f74ab3c5f856d21c6979ee87bfdb5fd4c0d minio/retention.py
04e928084db34e3b72cf9e1499848b21479b0cee5e3c3570a2961d07b53d49d1 minio/select.py
81bc0049247efca6fd003337769d4a18303baf10198b35e67b0ad730619afb86 minio/signer.py
7f5365ae681c0d92a97ca1622c2f706d095a43b7c4b45de2c0ef5d6e5dcea575 minio/sse.py
10e13c7b186c4daa3c79cb1932eff07ac0cf0579ff20df161fc593b9439c24d3 minio/sseconfig.py
f5d6660cf03ea9e1d5d76079e0e2189f552ca3229a7be1b17e9e0e0900f5a926 minio/tagging.py
2883d85c9ff06a4ea58d380378a3fff4d02a08c4a113e3ea09cf8a229f21f68a minio/time.py
bb0604e47e5ad7589e4129ee3f8f5425f99e35da5011fc6ef8760e8549d877f7 minio/versioningconfig.py
820abe9842e296e1cea78a7168d120429f3d2f90abb94445e99baa91b41c082d minio/xml.py
1c18e9dc93df956cdc37a796d142810e152b3fc7efe215c8f1cb2c07565aa439 tests/functional/tests.py
'

if [ "${MPY_NOCHECK:-0}" != 1 ]; then
  bad=0
  while read -r sum file; do
    [ -n "$file" ] || continue
    [ -f "$MPY/$file" ] || { echo "missing $MPY/$file"; bad=1; continue; }
    got=$(sha256sum "$MPY/$file" | cut -c1-64)
    [ "$got" = "$sum" ] || { echo "differs: $file ($got)"; bad=1; }
  done <<<"$MANIFEST"
  [ $bad = 0 ] || { echo "rebuild minio-py first (MPY_NOCHECK=1 to run anyway)"; exit 2; }
fi
PYTHONPATH=$MPY $PY -c 'import minio' || exit 2

# run NAME PORT SERVER-FLAGS... : start a server, run the suite, tally.
run() {
  local name=$1 port=$2; shift 2
  local R=$W/run-$name
  rm -rf "$R"; mkdir -p "$R"
  $OSSLITE -addr 127.0.0.1:$port -access-key minio -secret-key minio123 \
    -log-level warn "$@" >"$R/osslite.log" 2>&1 &
  local pid=$!
  sleep 1
  kill -0 $pid || { echo "osslite did not start"; cat "$R/osslite.log"; return 2; }
  local https=0 ca=
  [ "$name" = tls ] && { https=1; ca=$W/ca.pem; }
  (cd "$R" && env ${ca:+SSL_CERT_FILE=$ca} SERVER_ENDPOINT=127.0.0.1:$port \
     ACCESS_KEY=minio SECRET_KEY=minio123 ENABLE_HTTPS=$https MINT_MODE=full \
     PYTHONPATH=$MPY timeout 1200 $PY "$MPY/tests/functional/tests.py" >"$R/out.log" 2>&1)
  echo "suite exit status $?"
  kill $pid
  python3 - "$R/out.log" "$name" <<'EOF'
import json, sys
n = {"PASS": 0, "FAIL": 0, "NA": 0}
for line in open(sys.argv[1]):
    try:
        rec = json.loads(line)
    except ValueError:
        print("  not a record:", line.rstrip()[:200])
        continue
    n[rec["status"]] = n.get(rec["status"], 0) + 1
    if rec["status"] != "PASS":
        print(" ", rec["status"], rec["name"], rec.get("message", "")[:300])
print(f"{sys.argv[2]}: {n['PASS']} PASS, {n['NA']} NA, {n['FAIL']} FAIL")
EOF
}

mkdir -p "$W"
case $MODE in http|both) run http 19640 ;; esac
case $MODE in tls|both)
  run tls 19641 -tls-self-signed -tls-ca-out "$W/ca.pem" \
    -kms-root-key-file "$W/kms.key" -kms-key mpy34-key ;;
esac
