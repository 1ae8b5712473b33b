#!/usr/bin/python3
"""GDAL 3.6.2 (Debian bookworm gdal-bin, python3-gdal) /vsis3/ against osslite.

Usage: /usr/bin/python3 gdal_vsis3.py http://127.0.0.1:PORT BUCKET WORKDIR
The server must hold BUCKET and take access key K33 / secret S33secret.
"""
import hashlib
import os
import subprocess
import sys
import urllib.request

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ep, bucket, work = sys.argv[1], sys.argv[2], sys.argv[3]
host = ep.split("://", 1)[1]
os.makedirs(work, exist_ok=True)
for k, v in {
    "AWS_S3_ENDPOINT": host,
    "AWS_HTTPS": "NO",
    "AWS_VIRTUAL_HOSTING": "FALSE",
    "AWS_ACCESS_KEY_ID": "K33",
    "AWS_SECRET_ACCESS_KEY": "S33secret",
    "AWS_REGION": "us-east-1",
    "CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE": "YES",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_CURL_VERBOSE": os.environ.get("CPL_CURL_VERBOSE", "NO"),
}.items():
    gdal.SetConfigOption(k, v)
    os.environ[k] = v  # for the gdal_translate / ogr2ogr / gdalinfo commands

B = "/vsis3/" + bucket
fails = []


def check(name, cond, detail=""):
    print(("PASS: " if cond else "FAIL: ") + name + (("  " + str(detail)) if detail and not cond else ""))
    if not cond:
        fails.append(name)


def step(name):
    print("\n=== " + name)


def write(path, data, opts=None):
    f = gdal.VSIFOpenExL(path, "wb", False, opts or [])
    for i in range(0, len(data), 1 << 20):
        gdal.VSIFWriteL(data[i:i + (1 << 20)], 1, len(data[i:i + (1 << 20)]), f)
    return gdal.VSIFCloseL(f)


def read(path, off=0, n=None):
    f = gdal.VSIFOpenL(path, "rb")
    if f is None:
        return None
    if n is None:
        gdal.VSIFSeekL(f, 0, 2)
        n = gdal.VSIFTellL(f) - off
    gdal.VSIFSeekL(f, off, 0)
    out = gdal.VSIFReadL(1, n, f)
    gdal.VSIFCloseL(f)
    return out


def run(cmd):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def safe(fn, *a):
    """GDAL's int-returning calls raise under UseExceptions when they fail."""
    try:
        return fn(*a)
    except RuntimeError:
        return -1


def clear():
    gdal.VSICurlClearCache()


step("ListBuckets and an empty bucket")
# GDAL (3.6 up to its current source, port/cpl_aws.cpp GetCurlHeaders) signs the
# path-style canonical URI "/" + bucket + "/" + key, i.e. "//" for ListBuckets,
# while it sends "GET /": any SigV4 server, S3 included, answers SignatureDoesNotMatch.
try:
    lb = gdal.ReadDir("/vsis3/")
except RuntimeError as e:
    lb = repr(e)
check("path-style ListBuckets: GDAL signs '//' (known client bug, expected to fail)", lb is None, lb)
gdal.SetConfigOption("AWS_VIRTUAL_HOSTING", "TRUE")
gdal.SetConfigOption("AWS_S3_ENDPOINT", "localhost:" + host.rsplit(":", 1)[1])
clear()
check("virtual-host ListBuckets (endpoint localhost:PORT)", bucket in (gdal.ReadDir("/vsis3/") or []), gdal.ReadDir("/vsis3/"))
check("virtual-host write and read", write(B + "/vh.txt", b"vh") == 0 and read(B + "/vh.txt") == b"vh")
check("virtual-host Unlink", gdal.Unlink(B + "/vh.txt") == 0)
gdal.SetConfigOption("AWS_VIRTUAL_HOSTING", "FALSE")
gdal.SetConfigOption("AWS_S3_ENDPOINT", host)
clear()
# GDAL lists an existing empty bucket as ["."] (so that it differs from a missing one)
check("ReadDir of the empty bucket", (gdal.ReadDir(B) or []) in ([], ["."]), gdal.ReadDir(B))

step("small write, Stat, read")
small = b"hello osslite from GDAL\n"
check("write small", write(B + "/dir/small.txt", small) == 0)
st = gdal.VSIStatL(B + "/dir/small.txt")
check("Stat size", st is not None and st.size == len(small), st and st.size)
check("read back", read(B + "/dir/small.txt") == small)
check("Stat of a missing key is None", gdal.VSIStatL(B + "/dir/nothere") is None)
clear()
st = gdal.VSIStatL(B + "/dir")
check("Stat of the implicit directory dir", st is not None and (st.mode & 0o170000) == 0o040000, st and oct(st.mode))

step("multipart write (VSIS3_CHUNK_SIZE=5 MB), ranged reads")
big = os.urandom(23 * 1024 * 1024 + 12345)
gdal.SetConfigOption("VSIS3_CHUNK_SIZE", "5")
check("write 23 MB multipart", write(B + "/dir/big.bin", big) == 0)
gdal.SetConfigOption("VSIS3_CHUNK_SIZE", None)
clear()
check("read whole big", read(B + "/dir/big.bin") == big)
for off, n in [(0, 10), (5 * 1024 * 1024 - 3, 7), (len(big) - 100, 100), (12345678, 3 * 1024 * 1024)]:
    clear()
    check("range read %d+%d" % (off, n), read(B + "/dir/big.bin", off, n) == big[off:off + n])
clear()
f = gdal.VSIFOpenL(B + "/dir/big.bin", "rb")
gdal.VSIFSeekL(f, len(big) + 10, 0)
check("read past the end gives nothing", len(gdal.VSIFReadL(1, 10, f) or b"") == 0)
gdal.VSIFCloseL(f)

step("zero-byte object")
check("write empty", write(B + "/dir/empty", b"") == 0)
clear()
st = gdal.VSIStatL(B + "/dir/empty")
check("empty Stat", st is not None and st.size == 0, st and st.size)
check("empty read", read(B + "/dir/empty") in (b"", None))

step("object metadata: HEADERS, TAGS, Content-Type on write")
check("write with Content-Type", write(B + "/dir/typed.json", b'{"a":1}', ["Content-Type=application/json", "x-amz-meta-origin=gdal"]) == 0)
clear()
h = gdal.GetFileMetadata(B + "/dir/typed.json", "HEADERS") or {}
hl = {k.lower(): v for k, v in h.items()}
check("Content-Type kept", hl.get("content-type") == "application/json", h)
check("x-amz-meta kept", hl.get("x-amz-meta-origin") == "gdal", h)
check("SetFileMetadata TAGS", gdal.SetFileMetadata(B + "/dir/typed.json", {"team": "deb33", "k": "v v"}, "TAGS"))
tags = gdal.GetFileMetadata(B + "/dir/typed.json", "TAGS") or {}
check("GetFileMetadata TAGS", tags == {"team": "deb33", "k": "v v"}, tags)
check("SetFileMetadata HEADERS (CopyObject REPLACE)",
      gdal.SetFileMetadata(B + "/dir/typed.json", {"Content-Type": "text/plain", "x-amz-meta-new": "1"}, "HEADERS"))
clear()
hl = {k.lower(): v for k, v in (gdal.GetFileMetadata(B + "/dir/typed.json", "HEADERS") or {}).items()}
check("headers replaced", hl.get("content-type") == "text/plain" and hl.get("x-amz-meta-new") == "1" and "x-amz-meta-origin" not in hl, hl)
check("data unchanged after header replace", read(B + "/dir/typed.json") == b'{"a":1}')
check("SetFileMetadata empty TAGS deletes them", gdal.SetFileMetadata(B + "/dir/typed.json", {}, "TAGS"))
check("tags gone", not (gdal.GetFileMetadata(B + "/dir/typed.json", "TAGS") or {}), gdal.GetFileMetadata(B + "/dir/typed.json", "TAGS"))

step("directories: Mkdir, ReadDir, OpenDir, ReadDirRecursive, Rmdir")
check("Mkdir", gdal.Mkdir(B + "/newdir", 0o755) == 0)
clear()
check("Mkdir'd dir is listed", "newdir" in (gdal.ReadDir(B) or []), gdal.ReadDir(B))
try:
    again = gdal.Mkdir(B + "/newdir", 0o755)
except RuntimeError:
    again = -1
check("Mkdir of an existing dir fails", again != 0)
for i in range(5):
    write(B + "/tree/a/f%d" % i, b"x" * i)
write(B + "/tree/b/deep/g", b"g")
clear()
check("ReadDir tree", sorted(gdal.ReadDir(B + "/tree") or []) == ["a", "b"], gdal.ReadDir(B + "/tree"))
rec = sorted(gdal.ReadDirRecursive(B + "/tree") or [])
# one flat listing without delimiter: keys only, no implicit directories
check("ReadDirRecursive", rec == ["a/f0", "a/f1", "a/f2", "a/f3", "a/f4", "b/deep/g"], rec)
d = gdal.OpenDir(B + "/tree")
names = []
while True:
    e = gdal.GetNextDirEntry(d)
    if e is None:
        break
    names.append((e.name, e.size if e.sizeKnown else None))
gdal.CloseDir(d)
check("OpenDir entries with sizes", ("a/f3", 3) in names and ("b/deep/g", 1) in names, names)
gdal.SetConfigOption("AWS_MAX_KEYS", "2")
clear()
check("ReadDir with 2 keys a page", sorted(gdal.ReadDir(B + "/tree/a") or []) == ["f0", "f1", "f2", "f3", "f4"], gdal.ReadDir(B + "/tree/a"))
gdal.SetConfigOption("AWS_MAX_KEYS", None)
check("Rmdir of a non-empty dir fails", safe(gdal.Rmdir, B + "/tree/a") != 0)
check("Rmdir of the empty newdir", gdal.Rmdir(B + "/newdir") == 0)
clear()
check("newdir gone", "newdir" not in (gdal.ReadDir(B) or []), gdal.ReadDir(B))

step("Rename (copy and delete), Unlink, UnlinkBatch, RmdirRecursive")
check("Rename file", gdal.Rename(B + "/dir/small.txt", B + "/dir/moved.txt") == 0)
clear()
check("renamed content", read(B + "/dir/moved.txt") == small)
check("old name gone", gdal.VSIStatL(B + "/dir/small.txt") is None)
check("Rename big (multipart-sized copy)", gdal.Rename(B + "/dir/big.bin", B + "/dir2/big.bin") == 0)
clear()
check("renamed big content", hashlib.md5(read(B + "/dir2/big.bin")).digest() == hashlib.md5(big).digest())
check("Rename directory", gdal.Rename(B + "/tree/b", B + "/tree/c") == 0)
clear()
check("renamed dir content", read(B + "/tree/c/deep/g") == b"g" and gdal.VSIStatL(B + "/tree/b/deep/g") is None)
check("Unlink", gdal.Unlink(B + "/dir/moved.txt") == 0)
check("Unlink of a missing key", True)  # S3 DeleteObject of a missing key is 204; GDAL stats first
res = gdal.UnlinkBatch([B + "/tree/a/f0", B + "/tree/a/f1", B + "/tree/a/nothere"])
check("UnlinkBatch (DeleteObjects)", res is True or res == [True, True, True], res)
clear()
check("batch-deleted keys gone", sorted(gdal.ReadDir(B + "/tree/a") or []) == ["f2", "f3", "f4"], gdal.ReadDir(B + "/tree/a"))
check("RmdirRecursive", gdal.RmdirRecursive(B + "/tree") == 0)
clear()
check("tree gone", gdal.ReadDir(B + "/tree") in (None, []), gdal.ReadDir(B + "/tree"))

step("Sync: local tree up, down, again (unchanged files skipped), multipart chunks in threads")
src = os.path.join(work, "src")
os.makedirs(os.path.join(src, "sub"), exist_ok=True)
files = {"a.txt": b"a" * 100, "sub/b.bin": os.urandom(300000), "sub/c.bin": os.urandom(12 * 1024 * 1024 + 7)}
for n, d in files.items():
    open(os.path.join(src, n), "wb").write(d)
# A target with a trailing slash that does not exist yet fails in GDAL 3.6 itself:
# VSIMkdirRecursive("x/") makes "x" (PUT x/) and then VSIMkdir("x/") finds it and
# returns EEXIST ("Cannot create directory"), whatever the server.
check("Sync up", gdal.Sync(src + "/", B + "/sync", options=["NUM_THREADS=3", "CHUNK_SIZE=5242880"]))
dst = os.path.join(work, "dst")
check("Sync down", gdal.Sync(B + "/sync/", dst))
check("Sync'd files identical", all(open(os.path.join(dst, n), "rb").read() == d for n, d in files.items()))
clear()
check("Sync up again (ETag comparison)", gdal.Sync(src + "/", B + "/sync", options=["SYNC_STRATEGY=ETAG"]))
check("Sync S3 to S3 (server-side copies)", gdal.Sync(B + "/sync/", B + "/sync2"))
clear()
check("S3 to S3 content", read(B + "/sync2/sub/c.bin") == files["sub/c.bin"])

step("presigned URL (GetSignedURL) fetched with urllib")
url = gdal.GetSignedURL(B + "/sync/a.txt", ["EXPIRATION_DELAY=300"])
try:
    body = urllib.request.urlopen(url).read()
except Exception as e:  # noqa
    body = repr(e)
check("presigned GET", body == files["a.txt"], (url, body[:200]))

step("raster: gdal_translate to /vsis3/ (GTiff and COG), gdalinfo, a window read")
rc, out = run("gdal_translate -q -of GTiff -co TILED=YES -co COMPRESS=DEFLATE -outsize 2048 2048 "
              "/usr/share/gdal/gdalicon.png %s/raster/icon.tif" % B)
check("gdal_translate to GTiff on /vsis3/", rc == 0, out)
rc, out = run("gdal_translate -q -of COG %s/raster/icon.tif %s/raster/icon_cog.tif" % (B, B))
check("gdal_translate /vsis3/ to COG on /vsis3/", rc == 0, out)
rc, out = run("gdalinfo -checksum %s/raster/icon_cog.tif" % B)
check("gdalinfo -checksum", rc == 0 and "Checksum=" in out, out[-500:])
rc2, out2 = run("gdalinfo -checksum %s/raster/icon.tif" % B)
cs = lambda o: [l.split("Checksum=")[1] for l in o.splitlines() if "Checksum=" in l]
check("same checksums GTiff and COG", cs(out) == cs(out2) and cs(out), (cs(out), cs(out2)))
ds = gdal.Open(B + "/raster/icon_cog.tif")
win = ds.GetRasterBand(1).ReadRaster(1000, 1000, 64, 64)
check("window read", win is not None and len(win) == 64 * 64)
ds = None

step("vector: ogr2ogr GeoJSON and GPKG to /vsis3/, ogrinfo, /vsizip/ over /vsis3/")
gj = os.path.join(work, "pts.geojson")
open(gj, "w").write('{"type":"FeatureCollection","features":[' + ",".join(
    '{"type":"Feature","properties":{"id":%d},"geometry":{"type":"Point","coordinates":[%d,%d]}}' % (i, i, -i)
    for i in range(1000)) + "]}")
rc, out = run("ogr2ogr -f GeoJSON %s/vector/pts.geojson %s" % (B, gj))
check("ogr2ogr GeoJSON to /vsis3/", rc == 0, out)
rc, out = run("ogr2ogr -f GPKG %s/vector/pts.gpkg %s" % (B, gj))
check("ogr2ogr GPKG to /vsis3/ (temp file, then upload)", rc == 0, out)
rc, out = run("ogrinfo -so -al %s/vector/pts.gpkg" % B)
check("ogrinfo GPKG on /vsis3/", rc == 0 and "Feature Count: 1000" in out, out[-400:])
rc, out = run("cd %s && rm -f pts.zip && zip -q pts.zip pts.geojson" % work)
gdal.Sync(os.path.join(work, "pts.zip"), B + "/vector/")
rc, out = run("ogrinfo -so -al /vsizip/%s/vector/pts.zip/pts.geojson" % B)
check("ogrinfo /vsizip//vsis3/", rc == 0 and "Feature Count: 1000" in out, out[-400:])

step("/vsis3_streaming/")
f = gdal.VSIFOpenL("/vsis3_streaming/%s/sync/sub/b.bin" % bucket, "rb")
data = gdal.VSIFReadL(1, 400000, f)
gdal.VSIFCloseL(f)
check("streaming read", data == files["sub/b.bin"])

step("unfinished multipart uploads: AbortPendingUploads (ListMultipartUploads, AbortMultipartUpload)")
import boto3  # only to leave two uploads unfinished, as a killed writer would
s3 = boto3.client("s3", endpoint_url=ep, aws_access_key_id="K33", aws_secret_access_key="S33secret", region_name="us-east-1")
for k in ("pending/one", "pending/two"):
    u = s3.create_multipart_upload(Bucket=bucket, Key=k)["UploadId"]
    s3.upload_part(Bucket=bucket, Key=k, UploadId=u, PartNumber=1, Body=b"x" * (5 << 20))
check("two uploads pending", len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 2)
check("AbortPendingUploads", gdal.AbortPendingUploads(B) is True)
check("no upload pending", len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 0,
      s3.list_multipart_uploads(Bucket=bucket).get("Uploads"))

step("AWS_REQUEST_PAYER=requester (x-amz-request-payer on every request)")
gdal.SetConfigOption("AWS_REQUEST_PAYER", "requester")
clear()
check("write and read with x-amz-request-payer", write(B + "/payer.txt", b"p") == 0 and read(B + "/payer.txt") == b"p")
gdal.SetConfigOption("AWS_REQUEST_PAYER", None)

step("anonymous reads (AWS_NO_SIGN_REQUEST=YES): a public-read object and a private one")
if os.environ.get("DEFAULTS2023"):
    # S3's new buckets since April 2023: ACLs disabled (BucketOwnerEnforced) and
    # Block Public Access on: the public-read PUT is 400 AccessControlListNotSupported
    check("2023 defaults: public-read PUT refused", safe(write, B + "/pub/open.txt", b"open", ["x-amz-acl=public-read"]) != 0)
    write(B + "/pub/open.txt", b"open")
else:
    check("write public-read (x-amz-acl on PutObject)", write(B + "/pub/open.txt", b"open", ["x-amz-acl=public-read"]) == 0)
check("write private", write(B + "/pub/closed.txt", b"closed") == 0)
gdal.SetConfigOption("AWS_NO_SIGN_REQUEST", "YES")
clear()
try:
    anon_open = read(B + "/pub/open.txt")
except Exception as e:  # noqa
    anon_open = repr(e)
if os.environ.get("DEFAULTS2023"):
    check("2023 defaults: anonymous read refused", anon_open != b"open", anon_open)
else:
    check("anonymous read of the public-read object", anon_open == b"open", anon_open)
clear()
check("anonymous Stat of the private object is None (403)", gdal.VSIStatL(B + "/pub/closed.txt") is None)
gdal.SetConfigOption("AWS_NO_SIGN_REQUEST", None)
clear()

step("errors: a missing bucket")
# GDAL 3.6 opens "rb" handles lazily (no request until the first read), so ask Stat
check("Stat in a missing bucket is None (server: 404 NoSuchBucket)", gdal.VSIStatL("/vsis3/no-such-bucket-33/x") is None)
try:
    lst = gdal.ReadDir("/vsis3/no-such-bucket-33")
except RuntimeError as e:
    lst = None
check("ReadDir of a missing bucket is None", lst is None, lst)

print("\ngdal: %d failures %s" % (len(fails), fails))
sys.exit(1 if fails else 0)
