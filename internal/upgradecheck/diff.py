# diff.py OLD NEW: differences that matter for an upgrade: everything but
# features the old build lacked (501), the access-log objects the snapshot's
# own reads write, the endpoint port in bucketInfo, list timestamps'
# milliseconds (rendering) and the request-dependent headers.
import json,re,sys,difflib
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
def norm(s): return re.sub(r'\.\d{3}Z','.000Z',re.sub(r'127\.0\.0\.1:\d+','HOST',s or ''))
n=0
for k in sorted(set(a)|set(b)):
    if 'upg-logs/plain/' in k or k.endswith('upg-logs?versions'): continue
    x=a.get(k); y=b.get(k)
    if x is None or y is None:
        print('ONLY', 'NEW' if x is None else 'OLD', k); n+=1; continue
    if x['status']==501: continue
    if x['status']!=y['status']:
        print('STATUS',k,x['status'],'->',y['status'],y.get('body','')[:100]); n+=1; continue
    if x.get('body') or y.get('body'):
        if norm(x.get('body'))!=norm(y.get('body')):
            xs=re.split(r'(?=<)',norm(x['body'])); ys=re.split(r'(?=<)',norm(y['body']))
            d=[l for l in difflib.unified_diff(xs,ys,n=0,lineterm='') if l[:1] in '+-' and l[:3] not in ('+++','---')]
            print('BODY',k,' '.join(d)[:400]); n+=1
    elif x['sha256']!=y['sha256']:
        print('BYTES',k,x['size'],y['size']); n+=1
    for h in set(x['headers'])|set(y['headers']):
        if h=='Content-Length' and x.get('body'): continue
        if x['headers'].get(h)!=y['headers'].get(h):
            print('HDR',k,h,repr(x['headers'].get(h)),'->',repr(y['headers'].get(h))); n+=1
print(n,'differences')
