package fake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// The examples below are the clock-driven promises, each with a real
// client and only the public API: set something up, advance the fake's
// clock, let the engine run what is due (Engine().RunPending), and see
// the result through the client.

// use33S3 is the aws-sdk-go-v2 client every example here uses. s3.New
// leaves RequestChecksumCalculation unset, which sends no checksum where
// the operation does not require one; config.LoadDefaultConfig sets
// WhenSupported (a CRC32 on every upload), and so does this client, as
// Object Lock uploads need a checksum or Content-MD5 (S3 refuses them
// with InvalidRequest otherwise).
func use33S3(srv *fake.Server) *s3.Client {
	return s3.New(s3.Options{
		Region:                     srv.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		BaseEndpoint:               aws.String(srv.URL),
		UsePathStyle:               true,
		HTTPClient:                 srv.HTTPClient(),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	})
}

// use33OSS is the Aliyun OSS Go SDK v2 client the OSS examples use.
func use33OSS(srv *fake.Server) *oss2.Client {
	return oss2.NewClient(oss2.LoadDefaultConfig().
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
		WithRegion("cn-hangzhou").
		WithEndpoint(srv.URL).
		WithHttpClient(srv.HTTPClient()))
}

// use33Code is the S3 error code of err, or "" for nil.
func use33Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// Noncurrent versions expire NoncurrentDays after they were replaced: the
// current version stays, the old one goes once the clock has passed it
// and the engine has run its due work.
func ExampleServer_Clock_noncurrentVersionExpiration() {
	srv, err := fake.Start(fake.WithBuckets("docs"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("docs"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("docs"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("old-versions"), Status: types.ExpirationStatusEnabled,
			Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(30)},
		}}},
	}); err != nil {
		log.Fatal(err)
	}
	for _, body := range []string{"draft", "final"} {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("docs"), Key: aws.String("report.txt"),
			Body: strings.NewReader(body)}); err != nil {
			log.Fatal(err)
		}
	}
	versions := func() int {
		out, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("docs")})
		if err != nil {
			log.Fatal(err)
		}
		return len(out.Versions)
	}
	fmt.Println("versions:", versions())

	srv.Clock().Advance(29 * 24 * time.Hour) // not yet
	if _, err := srv.Engine().RunPending(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("after 29 days:", versions())

	srv.Clock().Advance(2 * 24 * time.Hour)
	st, err := srv.Engine().RunPending(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after 31 days:", versions(), "noncurrent expired:", st.NoncurrentExpired)
	// Output:
	// versions: 2
	// after 29 days: 2
	// after 31 days: 1 noncurrent expired: 1
}

// An AbortIncompleteMultipartUpload rule aborts an upload left
// unfinished: S3 announces the abort date when the upload starts, and the
// upload is gone once the clock passes it.
func ExampleServer_Clock_abortIncompleteMultipartUpload() {
	srv, err := fake.Start(fake.WithBuckets("backups"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	if _, err := client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("backups"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("stale-uploads"), Status: types.ExpirationStatusEnabled,
			Filter:                         &types.LifecycleRuleFilter{Prefix: aws.String("")},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(2)},
		}}},
	}); err != nil {
		log.Fatal(err)
	}
	up, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("backups"), Key: aws.String("db.tar")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("abort rule:", aws.ToString(up.AbortRuleId), "abort date set:", up.AbortDate != nil)

	srv.Clock().Advance(3 * 24 * time.Hour)
	st, err := srv.Engine().RunPending(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("backups"), Key: aws.String("db.tar"), UploadId: up.UploadId})
	fmt.Println("aborted:", st.UploadsAborted, "ListParts:", use33Code(err))
	// Output:
	// abort rule: stale-uploads abort date set: true
	// aborted: 1 ListParts: NoSuchUpload
}

// A lifecycle transition to GLACIER makes an object unreadable until it is
// restored; the restore completes on the fake's clock (one minute by
// default, engine.Options.RestoreDelay) and the restored copy expires
// after the Days asked for.
func ExampleServer_Clock_transitionAndRestore() {
	srv, err := fake.Start(fake.WithBuckets("archive"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	if _, err := client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("archive"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("to-glacier"), Status: types.ExpirationStatusEnabled,
			Filter:      &types.LifecycleRuleFilter{Prefix: aws.String("")},
			Transitions: []types.Transition{{Days: aws.Int32(30), StorageClass: types.TransitionStorageClassGlacier}},
		}}},
	}); err != nil {
		log.Fatal(err)
	}
	// 128 KiB: S3 transitions nothing smaller by default.
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar"),
		Body: bytes.NewReader(make([]byte, 128<<10))}); err != nil {
		log.Fatal(err)
	}
	srv.Clock().Advance(31 * 24 * time.Hour)
	st, err := srv.Engine().RunPending(ctx)
	if err != nil {
		log.Fatal(err)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar")})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar")})
	fmt.Println("transitioned:", st.Transitioned, head.StorageClass, "GET:", use33Code(err))

	if _, err := client.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar"),
		RestoreRequest: &types.RestoreRequest{Days: aws.Int32(2)}}); err != nil {
		log.Fatal(err)
	}
	head, _ = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar")})
	fmt.Println("restoring:", aws.ToString(head.Restore))

	srv.Clock().Advance(time.Minute)
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar")})
	if err != nil {
		log.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, out.Body)
	out.Body.Close()
	fmt.Println("restored, read:", n)

	srv.Clock().Advance(3 * 24 * time.Hour)
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("archive"), Key: aws.String("2024.tar")})
	fmt.Println("restored copy expired, GET:", use33Code(err))
	// Output:
	// transitioned: 1 GLACIER GET: InvalidObjectState
	// restoring: ongoing-request="true"
	// restored, read: 131072
	// restored copy expired, GET: InvalidObjectState
}

// Object Lock: a version under retention cannot be deleted until its
// retain-until date passes on the fake's clock.
func ExampleServer_Clock_objectLockRetention() {
	srv, err := fake.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ledger"),
		ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		log.Fatal(err)
	}
	// Retention is an absolute date: count it from the fake's clock, not
	// from time.Now.
	until := srv.Clock().Now().Add(7 * 24 * time.Hour)
	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ledger"), Key: aws.String("2025.csv"),
		Body:           strings.NewReader("a,b\n"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until)})
	if err != nil {
		log.Fatal(err)
	}
	del := &s3.DeleteObjectInput{Bucket: aws.String("ledger"), Key: aws.String("2025.csv"), VersionId: put.VersionId}
	_, err = client.DeleteObject(ctx, del)
	fmt.Println("during retention:", use33Code(err))

	srv.Clock().Advance(7*24*time.Hour + time.Second)
	_, err = client.DeleteObject(ctx, del)
	fmt.Println("after it:", err == nil)
	// Output:
	// during retention: AccessDenied
	// after it: true
}

// Replication to a second bucket of the same fake: RunPending delivers
// what is pending. The engine's background loop would also deliver it
// within a second of wall time; CompactInterval -1 turns that loop off,
// so the source is still PENDING when the example looks.
func ExampleServer_Engine_replication() {
	srv, err := fake.Start(fake.WithBuckets("src", "dst"), fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	for _, b := range []string{"src", "dst"} {
		if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := client.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("src"),
		ReplicationConfiguration: &types.ReplicationConfiguration{
			Role: aws.String("arn:aws:iam::123456789012:role/replication"),
			Rules: []types.ReplicationRule{{
				ID: aws.String("all"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled,
				Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::dst")},
			}},
		}}); err != nil {
		log.Fatal(err)
	}
	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("a.txt"), Body: strings.NewReader("A")})
	if err != nil {
		log.Fatal(err)
	}
	head, _ := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("a.txt")})
	fmt.Println("source:", head.ReplicationStatus)

	st, err := srv.Engine().RunPending(ctx)
	if err != nil {
		log.Fatal(err)
	}
	head, _ = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("a.txt")})
	replica, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String("a.txt")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("replicated:", st.Replication.Replicated, "source:", head.ReplicationStatus, "replica:", replica.ReplicationStatus,
		"same version:", aws.ToString(replica.VersionId) == aws.ToString(put.VersionId))
	// Output:
	// source: PENDING
	// replicated: 1 source: COMPLETED replica: REPLICA same version: true
}

// OSS presigned URLs (signature v4, the SDK's default) expire on the
// fake's clock too.
func ExampleServer_Clock_ossPresignedURL() {
	srv, err := fake.Start(fake.WithBuckets("photos"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33OSS(srv)
	ctx := context.Background()
	if _, err := client.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("photos"), Key: oss2.Ptr("cat.jpg"),
		Body: strings.NewReader("meow")}); err != nil {
		log.Fatal(err)
	}
	p, err := client.Presign(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("photos"), Key: oss2.Ptr("cat.jpg")},
		oss2.PresignExpires(10*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	get := func() int {
		resp, err := srv.HTTPClient().Get(p.URL)
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println("now:", get())
	srv.Clock().Advance(11 * time.Minute)
	fmt.Println("11 minutes later:", get())
	// Output:
	// now: 200
	// 11 minutes later: 403
}

// A browser-upload policy (PresignPost) is refused once the fake's clock
// passes its expiration.
func ExampleServer_PresignPost_expired() {
	srv, err := fake.Start(fake.WithBuckets("uploads"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	form, err := srv.PresignPost("uploads", "a.txt", fake.PostOptions{Expires: 5 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	post := func() int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for name, value := range form.Fields {
			mw.WriteField(name, value)
		}
		fw, _ := mw.CreateFormFile("file", "a.txt")
		fw.Write([]byte("hello"))
		mw.Close()
		resp, err := srv.HTTPClient().Post(form.URL, mw.FormDataContentType(), &body)
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println("in time:", post())
	srv.Clock().Advance(6 * time.Minute)
	fmt.Println("too late:", post())
	// Output:
	// in time: 204
	// too late: 403
}

// OSS: an object put in the Archive class must be restored
// (RestoreObject) before it is read; the restore completes on the fake's
// clock.
func ExampleServer_Clock_ossRestore() {
	srv, err := fake.Start(fake.WithBuckets("cold"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33OSS(srv)
	ctx := context.Background()
	if _, err := client.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("cold"), Key: oss2.Ptr("2019.log"),
		StorageClass: oss2.StorageClassArchive, Body: strings.NewReader("old news")}); err != nil {
		log.Fatal(err)
	}
	code := func(err error) string {
		var se *oss2.ServiceError
		if errors.As(err, &se) {
			return se.Code
		}
		if err != nil {
			return err.Error()
		}
		return "ok"
	}
	_, err = client.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("cold"), Key: oss2.Ptr("2019.log")})
	fmt.Println("archived:", code(err))
	_, err = client.RestoreObject(ctx, &oss2.RestoreObjectRequest{Bucket: oss2.Ptr("cold"), Key: oss2.Ptr("2019.log"),
		RestoreRequest: &oss2.RestoreRequest{Days: 1}})
	fmt.Println("restore:", code(err))
	_, err = client.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("cold"), Key: oss2.Ptr("2019.log")})
	fmt.Println("still restoring:", code(err))

	srv.Clock().Advance(time.Minute)
	out, err := client.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("cold"), Key: oss2.Ptr("2019.log")})
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	restore, _, _ := strings.Cut(oss2.ToString(out.Restore), ",")
	fmt.Println("restored:", string(body), restore)
	// Output:
	// archived: InvalidObjectState
	// restore: ok
	// still restoring: InvalidObjectState
	// restored: old news ongoing-request="false"
}

// OSS appendable objects and symlinks through the OSS SDK v2.
func ExampleStart_ossAppendAndSymlink() {
	srv, err := fake.Start(fake.WithBuckets("logs"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33OSS(srv)
	ctx := context.Background()
	var pos int64
	for _, line := range []string{"one\n", "two\n"} {
		out, err := client.AppendObject(ctx, &oss2.AppendObjectRequest{Bucket: oss2.Ptr("logs"), Key: oss2.Ptr("app.log"),
			Position: oss2.Ptr(pos), Body: strings.NewReader(line)})
		if err != nil {
			log.Fatal(err)
		}
		pos = out.NextPosition
	}
	if _, err := client.PutSymlink(ctx, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr("logs"), Key: oss2.Ptr("latest"),
		Target: oss2.Ptr("app.log")}); err != nil {
		log.Fatal(err)
	}
	link, err := client.GetSymlink(ctx, &oss2.GetSymlinkRequest{Bucket: oss2.Ptr("logs"), Key: oss2.Ptr("latest")})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("logs"), Key: oss2.Ptr("latest")})
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	// A read through the link answers the link's object type, as OSS does.
	fmt.Printf("next position %d, latest -> %s, %s: %q\n", pos, oss2.ToString(link.Target), oss2.ToString(out.ObjectType), body)
	// Output:
	// next position 8, latest -> app.log, Symlink: "one\ntwo\n"
}

// Versioning: every write keeps the previous version, a delete only adds
// a marker, and an older version stays readable by its ID.
func ExampleStart_versioning() {
	srv, err := fake.Start(fake.WithBuckets("config"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("config"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		log.Fatal(err)
	}
	var first *string
	for i, body := range []string{"v1", "v2"} {
		out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("config"), Key: aws.String("app.yaml"),
			Body: strings.NewReader(body)})
		if err != nil {
			log.Fatal(err)
		}
		if i == 0 {
			first = out.VersionId
		}
	}
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("config"), Key: aws.String("app.yaml")}); err != nil {
		log.Fatal(err)
	}
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("config"), Key: aws.String("app.yaml")})
	fmt.Println("after delete:", use33Code(err))
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("config"), Key: aws.String("app.yaml"), VersionId: first})
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	fmt.Println("first version:", string(body))
	list, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("config")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("versions:", len(list.Versions), "delete markers:", len(list.DeleteMarkers))
	// Output:
	// after delete: NoSuchKey
	// first version: v1
	// versions: 2 delete markers: 1
}

// The ObjectRestore:Completed event is published when the restored copy
// becomes readable on the fake's clock, by the engine's due work: advance
// the clock, then RunPending.
func ExampleServer_Events_restoreCompleted() {
	srv, err := fake.Start(fake.WithBuckets("archive"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	events := srv.Events("archive")
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("archive"), Key: aws.String("tape-7"),
		StorageClass: types.StorageClassDeepArchive, Body: strings.NewReader("bits")}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: aws.String("archive"), Key: aws.String("tape-7"),
		RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1)}}); err != nil {
		log.Fatal(err)
	}
	srv.Clock().Advance(time.Minute)
	if _, err := srv.Engine().RunPending(ctx); err != nil {
		log.Fatal(err)
	}
	got, err := events.Wait(ctx, 3)
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range got {
		fmt.Println(ev.EventName, ev.S3.Object.Key)
	}
	// Output:
	// ObjectCreated:Put tape-7
	// ObjectRestore:Post tape-7
	// ObjectRestore:Completed tape-7
}

// use33ClockPresigner presigns at the fake's clock instead of the wall
// clock the SDK reads, so that a URL made after Clock().Advance is not
// already past its expiry on the server.
type use33ClockPresigner struct {
	clock  *fake.Clock
	signer *v4.Signer
}

func (p use33ClockPresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request,
	payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, p.clock.Now(), optFns...)
}

// SDKs presign with the wall clock. After Clock().Advance the fake's clock
// is ahead of it, so a URL the SDK makes then is already expired on the
// server; a presigner that signs at the fake's clock (S3's
// PresignOptions.Presigner) makes it valid for its whole window again.
func ExampleServer_Clock_presignAfterAdvance() {
	srv, err := fake.Start(fake.WithBuckets("reports"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := use33S3(srv)
	ctx := context.Background()
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("q3.pdf"),
		Body: strings.NewReader("%PDF")}); err != nil {
		log.Fatal(err)
	}
	srv.Clock().Advance(24 * time.Hour) // e.g. to let a lifecycle rule run
	get := func(p *s3.PresignClient) int {
		req, err := p.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("q3.pdf")},
			s3.WithPresignExpires(time.Hour))
		if err != nil {
			log.Fatal(err)
		}
		resp, err := srv.HTTPClient().Get(req.URL)
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println("signed at the wall clock:", get(s3.NewPresignClient(client)))
	onFakeClock := s3.NewPresignClient(client, func(o *s3.PresignOptions) {
		o.Presigner = use33ClockPresigner{clock: srv.Clock(), signer: v4.NewSigner(func(so *v4.SignerOptions) {
			so.DisableURIPathEscaping = true // as the S3 client's own presigner
		})}
	})
	fmt.Println("signed at the fake's clock:", get(onFakeClock))
	// Output:
	// signed at the wall clock: 403
	// signed at the fake's clock: 200
}
