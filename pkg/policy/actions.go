package policy

import "strings"

type level uint8

const (
	levelService level = iota // applies to no bucket or object (ListAllMyBuckets)
	levelBucket
	levelObject
)

type actionInfo struct {
	name  string
	level level
}

// s3Actions are the S3 actions an S3 bucket policy may name, with the
// resource they act on (Service Authorization Reference, Amazon S3).
var s3Actions = func() []actionInfo {
	var out []actionInfo
	add := func(l level, names string) {
		for _, n := range strings.Fields(names) {
			out = append(out, actionInfo{n, l})
		}
	}
	add(levelService, `ListAllMyBuckets CreateBucket GetAccountPublicAccessBlock PutAccountPublicAccessBlock
		ListAccessPoints ListJobs CreateJob`)
	add(levelBucket, `DeleteBucket DeleteBucketPolicy DeleteBucketWebsite DeleteBucketOwnershipControls
		GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAbac GetBucketAcl GetBucketCORS GetBucketLocation
		GetBucketLogging GetBucketNotification GetBucketObjectLockConfiguration GetBucketOwnershipControls
		GetBucketPolicy GetBucketPolicyStatus GetBucketPublicAccessBlock GetBucketRequestPayment
		GetBucketTagging GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration
		GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration
		GetMetricsConfiguration GetReplicationConfiguration ListBucket ListBucketMultipartUploads
		ListBucketVersions PutAccelerateConfiguration PutAnalyticsConfiguration PutBucketAcl PutBucketCORS
		PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration PutBucketOwnershipControls
		PutBucketPolicy PutBucketPublicAccessBlock PutBucketRequestPayment PutBucketTagging
		PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration PutIntelligentTieringConfiguration
		PutInventoryConfiguration PutLifecycleConfiguration PutMetricsConfiguration
		PutReplicationConfiguration PutBucketAbac`)
	add(levelObject, `AbortMultipartUpload BypassGovernanceRetention DeleteObject DeleteObjectTagging
		DeleteObjectVersion DeleteObjectVersionTagging GetObject GetObjectAcl GetObjectAttributes
		GetObjectLegalHold GetObjectRetention GetObjectTagging GetObjectTorrent GetObjectVersion
		GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionForReplication
		GetObjectVersionTagging GetObjectVersionTorrent InitiateReplication ListMultipartUploadParts
		ObjectOwnerOverrideToBucketOwner PutObject PutObjectAcl PutObjectLegalHold PutObjectRetention
		PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging ReplicateDelete ReplicateObject
		ReplicateTags RestoreObject
		PutObjectAnnotation GetObjectAnnotation ListObjectAnnotations DeleteObjectAnnotation
		GetObjectVersionAnnotationForReplication ReplicateObjectAnnotation UpdateObjectEncryption`)
	return out
}()

// s3ExpressActions are the actions a directory bucket's policy may name
// (service prefix s3express), all of the bucket (Service Authorization
// Reference, Amazon S3 Express).
var s3ExpressActions = strings.Fields(`CreateSession ListAllMyDirectoryBuckets CreateBucket DeleteBucket GetBucketPolicy PutBucketPolicy
	DeleteBucketPolicy GetEncryptionConfiguration PutEncryptionConfiguration GetLifecycleConfiguration
	PutLifecycleConfiguration`)

// expressARNPrefix starts the ARNs of directory buckets:
// arn:aws:s3express:<region>:<account>:bucket/<name>.
const expressARNPrefix = "arn:aws:s3express:"

// expressBucketOf returns the bucket part of a directory bucket ARN.
func expressBucketOf(r string) (string, bool) {
	rest, ok := strings.CutPrefix(r, expressARNPrefix)
	if !ok {
		return "", false
	}
	parts := strings.SplitN(rest, ":", 3) // region, account, bucket/<name>
	if len(parts) != 3 {
		return "", false
	}
	name, ok := strings.CutPrefix(parts[2], "bucket/")
	return name, ok && name != "" && !strings.Contains(name, "/")
}

// awsGlobalKeys are the global condition keys (lower case) a bucket
// policy may test; awsKeyPrefixes take a tag key after the slash.
var (
	awsGlobalKeys = setOf(`aws:sourceip aws:securetransport aws:referer aws:useragent aws:currenttime
		aws:epochtime aws:username aws:userid aws:principalarn aws:principalaccount aws:principalorgid
		aws:principalorgpaths aws:principaltype aws:principalisawsservice aws:principalserviceName
		aws:principalservicenamelist aws:sourcevpc aws:sourcevpce aws:sourcearn aws:sourceaccount
		aws:sourceowner aws:sourceorgid aws:sourceorgpaths aws:vpcsourceip aws:multifactorauthpresent
		aws:multifactorauthage aws:tokenissuetime aws:requestedregion aws:viaawsservice aws:calledvia
		aws:calledviafirst aws:calledvialast aws:federatedprovider aws:tagkeys aws:resourceaccount
		aws:resourceorgid aws:resourceorgpaths aws:ec2instancesourcevpc
		aws:ec2instancesourceprivateipv4 aws:sourceidentity aws:rolesessionname`)
	s3Keys = setOf(`s3:prefix s3:delimiter s3:max-keys s3:x-amz-acl s3:x-amz-server-side-encryption
		s3:x-amz-server-side-encryption-aws-kms-key-id s3:x-amz-content-sha256 s3:requestobjecttagkeys
		s3:signatureversion s3:authtype s3:versionid s3:x-amz-copy-source s3:x-amz-metadata-directive
		s3:x-amz-storage-class s3:signatureage s3:x-amz-grant-read s3:x-amz-grant-write
		s3:x-amz-grant-read-acp s3:x-amz-grant-write-acp s3:x-amz-grant-full-control s3:tlsversion
		s3:locationconstraint s3:object-lock-mode s3:object-lock-retain-until-date
		s3:object-lock-remaining-retention-days s3:object-lock-legal-hold s3:object-lock-mode
		s3:x-amz-object-ownership s3:resourceaccount s3:accesspointnetworkorigin s3:dataaccesspointarn
		s3:dataaccesspointaccount s3:x-amz-server-side-encryption-customer-algorithm
		s3:x-amz-website-redirect-location s3:if-match s3:if-none-match s3:objectcreationoperation`)
	keyPrefixes = []string{"aws:principaltag/", "aws:resourcetag/", "aws:requesttag/",
		"s3:existingobjecttag/", "s3:requestobjecttag/", "s3:bucketTag/"}
)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[strings.ToLower(w)] = true
	}
	return m
}

// validKey reports whether a condition key is one the language knows.
// OSS keys are any acs: or oss: key.
func validKey(key string, lang Language) bool {
	k := NormalizeKey(key)
	if lang == OSS {
		return (strings.HasPrefix(k, "acs:") || strings.HasPrefix(k, "oss:")) && len(k) > 4
	}
	if awsGlobalKeys[k] || s3Keys[k] {
		return true
	}
	for _, p := range keyPrefixes {
		if pl := strings.ToLower(p); strings.HasPrefix(strings.ToLower(key), pl) && len(key) > len(pl) {
			return true
		}
	}
	return false
}

// NormalizeKey is the form of a condition key Context.Lookup receives:
// the name lower case (condition keys are case-insensitive), a tag key
// after the slash kept as written ("s3:existingobjecttag/Project").
func NormalizeKey(key string) string {
	name, tag, ok := strings.Cut(key, "/")
	if !ok {
		return strings.ToLower(key)
	}
	return strings.ToLower(name) + "/" + tag
}
