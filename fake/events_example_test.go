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

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// A test waits for the events of a bucket: here the upload of an object
// and, after advancing the fake's clock past its lifecycle expiration,
// the expiration's event.
func ExampleServer_Events() {
	// A queue the bucket's notification configuration may name.
	queued := make(chan string, 10)
	queue := engine.NotificationTargetFunc(func(_ context.Context, ev engine.Event) error {
		queued <- ev.EventName + " " + ev.S3.ConfigurationID
		return nil
	})
	const arn = "arn:aws:sqs:us-east-1:123456789012:uploads"
	srv, err := fake.Start(fake.WithBuckets("uploads"), fake.WithNotificationTarget(arn, queue))
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
	events := srv.Events("uploads")
	if _, err := client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("uploads"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
			Id: aws.String("expired"), QueueArn: aws.String(arn), Events: []types.Event{"s3:LifecycleExpiration:*"},
		}}},
	}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("uploads"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("a-day"), Status: types.ExpirationStatusEnabled,
			Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)},
		}}},
	}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("photo 1.jpg"),
		Body: strings.NewReader("jpeg")}); err != nil {
		log.Fatal(err)
	}

	srv.Clock().Advance(2 * 24 * time.Hour)
	if _, err := srv.Engine().RunPending(ctx); err != nil {
		log.Fatal(err)
	}
	got, err := events.Wait(ctx, 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range got {
		fmt.Println(ev.EventName, ev.S3.Object.Key, ev.ObjectKey())
	}
	// Deliveries to targets run in the background.
	fmt.Println("queued:", <-queued)
	// Output:
	// ObjectCreated:Put photo+1.jpg photo 1.jpg
	// LifecycleExpiration:Delete photo+1.jpg photo 1.jpg
	// queued: LifecycleExpiration:Delete expired
}
