package fake_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/osslite/osslite/fake"
)

// Lifecycle rules execute on the fake's clock: advance it past an
// expiration and run the engine's due work; the object is gone.
func ExampleServer_Clock_lifecycle() {
	srv, err := fake.Start(fake.WithBuckets("logs"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := s3.New(s3.Options{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		HTTPClient:   srv.HTTPClient(),
	})
	ctx := context.Background()
	_, err = client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("logs"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("expire-after-a-week"), Status: types.ExpirationStatusEnabled,
			Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("app/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)},
		}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("logs"), Key: aws.String("app/1.log"),
		Body: strings.NewReader("started")}); err != nil {
		log.Fatal(err)
	}

	srv.Clock().Advance(8 * 24 * time.Hour)
	st, err := srv.Engine().RunPending(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("logs"), Key: aws.String("app/1.log")})
	fmt.Println("expired:", st.Expired, "still there:", err == nil)
	// Output:
	// expired: 1 still there: false
}
