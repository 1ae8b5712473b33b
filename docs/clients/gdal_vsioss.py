#!/usr/bin/python3
"""GDAL 3.6.2 /vsioss/ (Aliyun OSS, signature v1) against osslite.

Usage: /usr/bin/python3 gdal_vsioss.py http://127.0.0.1:PORT BUCKET WORKDIR
"""
import os
import sys
import urllib.request

from osgeo import gdal

gdal.UseExceptions()
ep, bucket, work = sys.argv[1], sys.argv[2], sys.argv[3]
host = ep.split("://", 1)[1]
os.makedirs(work, exist_ok=True)
for k, v in {
    "OSS_ENDPOINT": host,
    "OSS_HTTPS": "NO",
    "OSS_VIRTUAL_HOSTING": "FALSE",
    "OSS_ACCESS_KEY_ID": "K33",
    "OSS_SECRET_ACCESS_KEY": "S33secret",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE": "YES",
}.items():
    gdal.SetConfigOption(k, v)
    os.environ[k] = v

B = "/vsioss/" + bucket
fails = []


def check(name, cond, detail=""):
    print(("PASS: " if cond else "FAIL: ") + name + (("  " + str(detail)) if detail and not cond else ""))
    if not cond:
        fails.append(name)


def step(name):
    print("\n=== " + name)


def rc(fn, *a):
    try:
        return fn(*a)
    except RuntimeError as e:
        print("   (", str(e)[:200], ")")
        return -1


def write(path, data, opts=None):
    f = gdal.VSIFOpenExL(path, "wb", False, opts or [])
    for i in range(0, len(data), 1 << 20):
        gdal.VSIFWriteL(data[i:i + (1 << 20)], 1, len(data[i:i + (1 << 20)]), f)
    return gdal.VSIFCloseL(f)


def read(path, off=0, n=None):
    f = gdal.VSIFOpenL(path, "rb")
    if n is None:
        gdal.VSIFSeekL(f, 0, 2)
        n = gdal.VSIFTellL(f) - off
    gdal.VSIFSeekL(f, off, 0)
    out = gdal.VSIFReadL(1, n, f)
    gdal.VSIFCloseL(f)
    return out


clear = gdal.VSICurlClearCache

step("write, Stat, read (OSS signature v1)")
small = b"hello OSS from GDAL\n"
check("write small", rc(write, B + "/d/small.txt", small) == 0)
st = gdal.VSIStatL(B + "/d/small.txt")
check("Stat size", st is not None and st.size == len(small), st and st.size)
check("read back", read(B + "/d/small.txt") == small)
check("Stat of a missing key is None", gdal.VSIStatL(B + "/d/nothere") is None)

step("multipart write (VSIOSS_CHUNK_SIZE=1 MB... GDAL's OSS minimum), ranged reads")
big = os.urandom(12 * 1024 * 1024 + 777)
gdal.SetConfigOption("VSIOSS_CHUNK_SIZE", "5")
check("write 12 MB multipart", rc(write, B + "/d/big.bin", big) == 0)
gdal.SetConfigOption("VSIOSS_CHUNK_SIZE", None)
clear()
check("read whole big", read(B + "/d/big.bin") == big)
for off, n in [(0, 10), (5 * 1024 * 1024 - 3, 7), (len(big) - 100, 100)]:
    clear()
    check("range read %d+%d" % (off, n), read(B + "/d/big.bin", off, n) == big[off:off + n])

step("directories")
check("Mkdir", rc(gdal.Mkdir, B + "/newdir", 0o755) == 0)
clear()
check("ReadDir bucket", sorted(gdal.ReadDir(B) or []) == ["d", "newdir"], gdal.ReadDir(B))
check("ReadDir d", sorted(gdal.ReadDir(B + "/d") or []) == ["big.bin", "small.txt"], gdal.ReadDir(B + "/d"))
for i in range(5):
    write(B + "/many/f%d" % i, b"x")
gdal.SetConfigOption("OSS_MAX_KEYS", "2")
clear()
check("ReadDir with 2 keys a page", sorted(gdal.ReadDir(B + "/many") or []) == ["f%d" % i for i in range(5)], gdal.ReadDir(B + "/many"))
gdal.SetConfigOption("OSS_MAX_KEYS", None)
check("Rmdir newdir", rc(gdal.Rmdir, B + "/newdir") == 0)

step("Rename, Unlink, RmdirRecursive, Sync")
check("Rename", rc(gdal.Rename, B + "/d/small.txt", B + "/d/moved.txt") == 0)
clear()
check("renamed content", read(B + "/d/moved.txt") == small and gdal.VSIStatL(B + "/d/small.txt") is None)
check("Unlink", rc(gdal.Unlink, B + "/d/moved.txt") == 0)
# GDAL 3.6's generic RmdirRecursive (no S3-style batch for OSS) deletes the five
# keys and then Rmdir()s "many", a directory that vanished with its last key: -1.
rc(gdal.RmdirRecursive, B + "/many")
clear()
check("many gone", not gdal.ReadDir(B + "/many"), gdal.ReadDir(B + "/many"))
src = os.path.join(work, "src")
os.makedirs(os.path.join(src, "sub"), exist_ok=True)
files = {"a.txt": b"a" * 100, "sub/b.bin": os.urandom(300000)}
for n, d in files.items():
    open(os.path.join(src, n), "wb").write(d)
check("Sync up", rc(gdal.Sync, src + "/", B + "/sync") is True)
dst = os.path.join(work, "dst")
check("Sync down", rc(gdal.Sync, B + "/sync/", dst) is True)
check("Sync'd files identical", all(os.path.exists(os.path.join(dst, n)) and open(os.path.join(dst, n), "rb").read() == d for n, d in files.items()))

step("presigned URL (GetSignedURL, OSS v1 query signature)")
url = gdal.GetSignedURL(B + "/sync/a.txt", ["EXPIRATION_DELAY=300"])
try:
    body = urllib.request.urlopen(url).read()
except Exception as e:  # noqa
    body = repr(e)
check("presigned GET", body == files["a.txt"], (url, body[:300]))

step("raster through /vsioss/")
import subprocess
r = subprocess.run("gdal_translate -q -of COG -outsize 1024 1024 /usr/share/gdal/gdalicon.png %s/r/icon.tif && gdalinfo -checksum %s/r/icon.tif" % (B, B),
                   shell=True, capture_output=True, text=True)
check("gdal_translate COG + gdalinfo -checksum", r.returncode == 0 and "Checksum=" in r.stdout, (r.stdout + r.stderr)[-400:])

print("\ngdal oss: %d failures %s" % (len(fails), fails))
sys.exit(1 if fails else 0)
