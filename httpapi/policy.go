package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/policy"
	"github.com/osslite/osslite/pkg/sigv4"
)

// Bucket policies (S3 and OSS): the configuration row's parse and
// render, GetBucketPolicyStatus, the operation -> action table, and the
// one decision point authorize consults (policyDecision). The policy
// language itself is pkg/policy.

// policyActions maps each operation to the action a policy names for it:
// S3's IAM action and OSS's RAM action ("" where the dialect has no such
// operation; such operations are evaluated under the other name).
// Operations missing here are not subject to bucket policies (the
// service-level ListBuckets and CreateBucket): every operation on a
// bucket or object, Sina's own included, has its row, or a policy's Deny
// could be escaped through it.
var policyActions = map[string]actionNames{
	// Sina's own operations, decided as the S3 operation each is: a
	// bucket's meta is its ACL and owner, an object's its headers; Meta
	// rewrites an object's metadata (its ACL, when named, is decided as
	// PutObjectAcl too) and Relax writes an object.
	"GetBucketMeta":     {"s3:GetBucketAcl", "oss:GetBucketAcl"},
	"GetObjectMetadata": {"s3:GetObject", "oss:GetObject"},
	"PutObjectMeta":     {"s3:PutObject", "oss:PutObject"},
	"PutObjectRelax":    {"s3:PutObject", "oss:PutObject"},

	// Features merged after the table was first written.
	"GetBucketInventoryConfiguration":             {"s3:GetInventoryConfiguration", "oss:GetBucketInventory"},
	"ListBucketInventoryConfigurations":           {"s3:GetInventoryConfiguration", "oss:ListBucketInventory"},
	"PutBucketInventoryConfiguration":             {"s3:PutInventoryConfiguration", "oss:PutBucketInventory"},
	"DeleteBucketInventoryConfiguration":          {"s3:PutInventoryConfiguration", "oss:DeleteBucketInventory"},
	"GetBucketAnalyticsConfiguration":             {"s3:GetAnalyticsConfiguration", "oss:GetAnalyticsConfiguration"},
	"ListBucketAnalyticsConfigurations":           {"s3:GetAnalyticsConfiguration", "oss:GetAnalyticsConfiguration"},
	"PutBucketAnalyticsConfiguration":             {"s3:PutAnalyticsConfiguration", "oss:PutAnalyticsConfiguration"},
	"DeleteBucketAnalyticsConfiguration":          {"s3:PutAnalyticsConfiguration", "oss:PutAnalyticsConfiguration"},
	"GetBucketMetricsConfiguration":               {"s3:GetMetricsConfiguration", "oss:GetMetricsConfiguration"},
	"ListBucketMetricsConfigurations":             {"s3:GetMetricsConfiguration", "oss:GetMetricsConfiguration"},
	"PutBucketMetricsConfiguration":               {"s3:PutMetricsConfiguration", "oss:PutMetricsConfiguration"},
	"DeleteBucketMetricsConfiguration":            {"s3:PutMetricsConfiguration", "oss:PutMetricsConfiguration"},
	"GetBucketIntelligentTieringConfiguration":    {"s3:GetIntelligentTieringConfiguration", "oss:GetIntelligentTieringConfiguration"},
	"ListBucketIntelligentTieringConfigurations":  {"s3:GetIntelligentTieringConfiguration", "oss:GetIntelligentTieringConfiguration"},
	"PutBucketIntelligentTieringConfiguration":    {"s3:PutIntelligentTieringConfiguration", "oss:PutIntelligentTieringConfiguration"},
	"DeleteBucketIntelligentTieringConfiguration": {"s3:PutIntelligentTieringConfiguration", "oss:PutIntelligentTieringConfiguration"},
	"GetBucketLogging":                            {"s3:GetBucketLogging", "oss:GetBucketLogging"},
	"PutBucketLogging":                            {"s3:PutBucketLogging", "oss:PutBucketLogging"},
	"DeleteBucketLogging":                         {"s3:PutBucketLogging", "oss:DeleteBucketLogging"},
	"GetBucketNotificationConfiguration":          {"s3:GetBucketNotification", "oss:GetBucketNotification"},
	"PutBucketNotificationConfiguration":          {"s3:PutBucketNotification", "oss:PutBucketNotification"},
	"GetBucketObjectWormConfiguration":            {"s3:GetBucketObjectLockConfiguration", "oss:GetBucketObjectWormConfiguration"},
	"PutBucketObjectWormConfiguration":            {"s3:PutBucketObjectLockConfiguration", "oss:PutBucketObjectWormConfiguration"},
	"PutObjectLockConfiguration":                  {"s3:PutBucketObjectLockConfiguration", "oss:PutBucketObjectLockConfiguration"},
	"GetObjectLockConfiguration":                  {"s3:GetBucketObjectLockConfiguration", "oss:GetBucketObjectLockConfiguration"},
	"PutObjectRetention":                          {"s3:PutObjectRetention", "oss:PutObjectRetention"},
	"GetObjectRetention":                          {"s3:GetObjectRetention", "oss:GetObjectRetention"},
	"PutObjectLegalHold":                          {"s3:PutObjectLegalHold", "oss:PutObjectLegalHold"},
	"GetObjectLegalHold":                          {"s3:GetObjectLegalHold", "oss:GetObjectLegalHold"},
	"BypassGovernanceRetention":                   {"s3:BypassGovernanceRetention", "oss:BypassGovernanceRetention"}, // x-amz-bypass-governance-retention
	"CreateSelectObjectMeta":                      {"s3:PutObject", "oss:CreateSelectObjectMeta"},
	"PutBucketReplication":                        {"s3:PutReplicationConfiguration", "oss:PutBucketReplication"},
	"PutBucketRTC":                                {"s3:PutReplicationConfiguration", "oss:PutBucketRTC"},
	"GetBucketReplication":                        {"s3:GetReplicationConfiguration", "oss:GetBucketReplication"},
	"DeleteBucketReplication":                     {"s3:PutReplicationConfiguration", "oss:DeleteBucketReplication"},
	"GetBucketReplicationLocation":                {"s3:GetReplicationConfiguration", "oss:GetBucketReplicationLocation"},
	"GetBucketReplicationProgress":                {"s3:GetReplicationConfiguration", "oss:GetBucketReplicationProgress"},
	"PostObject":                                  {"s3:PutObject", "oss:PutObject"},
	"GetObjectAttributes":                         {"s3:GetObjectAttributes", "oss:GetObject"},
	"InitiateBucketWorm":                          {"s3:PutBucketObjectLockConfiguration", "oss:InitiateBucketWorm"},
	"AbortBucketWorm":                             {"s3:PutBucketObjectLockConfiguration", "oss:AbortBucketWorm"},
	"GetBucketWorm":                               {"s3:GetBucketObjectLockConfiguration", "oss:GetBucketWorm"},
	"ExtendBucketWorm":                            {"s3:PutBucketObjectLockConfiguration", "oss:ExtendBucketWorm"},
	"CompleteBucketWorm":                          {"s3:PutBucketObjectLockConfiguration", "oss:CompleteBucketWorm"},
	"ListLiveChannel":                             {"s3:ListBucket", "oss:ListLiveChannel"},
	"PutLiveChannelStatus":                        {"s3:PutObject", "oss:PutLiveChannelStatus"},
	"PutLiveChannel":                              {"s3:PutObject", "oss:PutLiveChannel"},
	"GetLiveChannelStat":                          {"s3:GetObject", "oss:GetLiveChannelStat"},
	"GetLiveChannelHistory":                       {"s3:GetObject", "oss:GetLiveChannelHistory"},
	"GetLiveChannelInfo":                          {"s3:GetObject", "oss:GetLiveChannelInfo"},
	"DeleteLiveChannel":                           {"s3:DeleteObject", "oss:DeleteLiveChannel"},
	"GetVodPlaylist":                              {"s3:GetObject", "oss:GetVodPlaylist"},
	"PostVodPlaylist":                             {"s3:PutObject", "oss:PostVodPlaylist"},
	"GetBucketLifecycleConfiguration":             {"s3:GetLifecycleConfiguration", "oss:GetBucketLifecycle"},
	"PutBucketLifecycleConfiguration":             {"s3:PutLifecycleConfiguration", "oss:PutBucketLifecycle"},
	"DeleteBucketLifecycle":                       {"s3:PutLifecycleConfiguration", "oss:DeleteBucketLifecycle"},
	"GetBucketCors":                               {"s3:GetBucketCORS", "oss:GetBucketCors"},
	"PutBucketCors":                               {"s3:PutBucketCORS", "oss:PutBucketCors"},
	"DeleteBucketCors":                            {"s3:PutBucketCORS", "oss:DeleteBucketCors"},
	"GetBucketWebsite":                            {"s3:GetBucketWebsite", "oss:GetBucketWebsite"},
	"PutBucketWebsite":                            {"s3:PutBucketWebsite", "oss:PutBucketWebsite"},
	"DeleteBucketWebsite":                         {"s3:DeleteBucketWebsite", "oss:DeleteBucketWebsite"},
	"WebsiteGetObject":                            {"s3:GetObject", "oss:GetObject"},
	"WebsiteHeadObject":                           {"s3:GetObject", "oss:GetObject"},
	"GetPublicAccessBlock":                        {"s3:GetBucketPublicAccessBlock", "oss:GetBucketPublicAccessBlock"},
	"GetBucketPublicAccessBlock":                  {"s3:GetBucketPublicAccessBlock", "oss:GetBucketPublicAccessBlock"},
	"PutBucketPublicAccessBlock":                  {"s3:PutBucketPublicAccessBlock", "oss:PutBucketPublicAccessBlock"},
	"DeleteBucketPublicAccessBlock":               {"s3:PutBucketPublicAccessBlock", "oss:DeleteBucketPublicAccessBlock"},
	"PutPublicAccessBlock":                        {"s3:PutBucketPublicAccessBlock", "oss:PutBucketPublicAccessBlock"},
	"DeletePublicAccessBlock":                     {"s3:PutBucketPublicAccessBlock", "oss:DeleteBucketPublicAccessBlock"},
	"GetAccountPublicAccessBlock":                 {"s3:GetAccountPublicAccessBlock", "oss:GetPublicAccessBlock"},
	"PutAccountPublicAccessBlock":                 {"s3:PutAccountPublicAccessBlock", "oss:PutPublicAccessBlock"},
	"DeleteAccountPublicAccessBlock":              {"s3:PutAccountPublicAccessBlock", "oss:DeletePublicAccessBlock"},
	"GetBucketOwnershipControls":                  {"s3:GetBucketOwnershipControls", "oss:GetBucketOwnershipControls"},
	"PutBucketOwnershipControls":                  {"s3:PutBucketOwnershipControls", "oss:PutBucketOwnershipControls"},
	"DeleteBucketOwnershipControls":               {"s3:PutBucketOwnershipControls", "oss:DeleteBucketOwnershipControls"},
	"HeadBucket":                                  {"s3:ListBucket", "oss:ListObjects"},
	"ListObjects":                                 {"s3:ListBucket", "oss:ListObjects"},
	"ListObjectsV2":                               {"s3:ListBucket", "oss:ListObjects"},
	"ListObjectVersions":                          {"s3:ListBucketVersions", "oss:ListObjectVersions"},
	"ListMultipartUploads":                        {"s3:ListBucketMultipartUploads", "oss:ListMultipartUploads"},
	"GetBucketAcl":                                {"s3:GetBucketAcl", "oss:GetBucketAcl"},
	"PutBucketAcl":                                {"s3:PutBucketAcl", "oss:PutBucketAcl"},
	"GetBucketLocation":                           {"s3:GetBucketLocation", "oss:GetBucketLocation"},
	"GetBucketInfo":                               {"s3:GetBucketLocation", "oss:GetBucketInfo"},
	"GetBucketStat":                               {"s3:ListBucket", "oss:GetBucketStat"},
	"CreateBucketDataRedundancyTransition":        {"s3:PutBucketPolicy", "oss:CreateBucketDataRedundancyTransition"},
	"GetBucketDataRedundancyTransition":           {"s3:GetBucketPolicy", "oss:GetBucketDataRedundancyTransition"},
	"ListBucketDataRedundancyTransition":          {"s3:GetBucketPolicy", "oss:ListBucketDataRedundancyTransition"},
	"DeleteBucketDataRedundancyTransition":        {"s3:PutBucketPolicy", "oss:DeleteBucketDataRedundancyTransition"},
	"GetBucketResponseHeader":                     {"s3:GetBucketPolicy", "oss:GetBucketResponseHeader"},
	"PutBucketResponseHeader":                     {"s3:PutBucketPolicy", "oss:PutBucketResponseHeader"},
	"DeleteBucketResponseHeader":                  {"s3:PutBucketPolicy", "oss:DeleteBucketResponseHeader"},
	"GetBucketStorageQuota":                       {"s3:GetBucketPolicy", "oss:GetBucketStorageQuota"},
	"PutBucketStorageQuota":                       {"s3:PutBucketPolicy", "oss:PutBucketStorageQuota"},
	"DeleteBucketStorageQuota":                    {"s3:PutBucketPolicy", "oss:DeleteBucketStorageQuota"},
	"GetUserDefinedLogFieldsConfig":               {"s3:GetBucketLogging", "oss:GetUserDefinedLogFieldsConfig"},
	"CreateSession":                               {"s3express:CreateSession", ""},
	"RenameObject":                                {"s3:PutObject", "oss:PutObject"},
	"ListDirectoryBuckets":                        {"s3express:ListAllMyDirectoryBuckets", ""},
	"GetBucketQoSInfo":                            {"s3:GetBucketPolicy", "oss:GetBucketQoSInfo"},
	"PutBucketQoSInfo":                            {"s3:PutBucketPolicy", "oss:PutBucketQoSInfo"},
	"DeleteBucketQoSInfo":                         {"s3:PutBucketPolicy", "oss:DeleteBucketQoSInfo"},
	"GetUserQoSInfo":                              {"s3:ListAllMyBuckets", "oss:GetUserQoSInfo"},
	"CreateAccessPoint":                           {"s3:CreateAccessPoint", "oss:CreateAccessPoint"},
	"GetAccessPoint":                              {"s3:GetAccessPoint", "oss:GetAccessPoint"},
	"ListAccessPoints":                            {"s3:ListAccessPoints", "oss:ListAccessPoints"},
	"DeleteAccessPoint":                           {"s3:DeleteAccessPoint", "oss:DeleteAccessPoint"},
	"PutAccessPointPolicy":                        {"s3:PutAccessPointPolicy", "oss:PutAccessPointPolicy"},
	"GetAccessPointPolicy":                        {"s3:GetAccessPointPolicy", "oss:GetAccessPointPolicy"},
	"DeleteAccessPointPolicy":                     {"s3:DeleteAccessPointPolicy", "oss:DeleteAccessPointPolicy"},
	"PutAccessPointPublicAccessBlock":             {"s3:PutAccessPointPolicy", "oss:PutAccessPointPublicAccessBlock"},
	"GetAccessPointPublicAccessBlock":             {"s3:GetAccessPointPolicy", "oss:GetAccessPointPublicAccessBlock"},
	"DeleteAccessPointPublicAccessBlock":          {"s3:PutAccessPointPolicy", "oss:DeleteAccessPointPublicAccessBlock"},
	"PutUserDefinedLogFieldsConfig":               {"s3:PutBucketLogging", "oss:PutUserDefinedLogFieldsConfig"},
	"DeleteUserDefinedLogFieldsConfig":            {"s3:PutBucketLogging", "oss:DeleteUserDefinedLogFieldsConfig"},
	"CreateCnameToken":                            {"s3:PutBucketWebsite", "oss:CreateCnameToken"},
	"GetCnameToken":                               {"s3:GetBucketWebsite", "oss:GetCnameToken"},
	"PutCname":                                    {"s3:PutBucketWebsite", "oss:PutCname"},
	"DeleteCname":                                 {"s3:PutBucketWebsite", "oss:DeleteCname"},
	"ListCname":                                   {"s3:GetBucketWebsite", "oss:ListCname"},
	"OpenMetaQuery":                               {"s3:PutInventoryConfiguration", "oss:OpenMetaQuery"},
	"GetMetaQueryStatus":                          {"s3:GetInventoryConfiguration", "oss:GetMetaQueryStatus"},
	"DoMetaQuery":                                 {"s3:ListBucket", "oss:DoMetaQuery"},
	"CloseMetaQuery":                              {"s3:PutInventoryConfiguration", "oss:CloseMetaQuery"},
	"DoMetaQueryAction":                           {"s3:PutInventoryConfiguration", "oss:DoMetaQueryAction"},
	"DescribeRegions":                             {"s3:ListAllMyBuckets", "oss:DescribeRegions"},
	"PutStyle":                                    {"s3:PutBucketWebsite", "oss:PutStyle"},
	"GetStyle":                                    {"s3:GetBucketWebsite", "oss:GetStyle"},
	"ListStyle":                                   {"s3:GetBucketWebsite", "oss:ListStyle"},
	"DeleteStyle":                                 {"s3:PutBucketWebsite", "oss:DeleteStyle"},
	"GetBucketAccelerateConfiguration":            {"s3:GetAccelerateConfiguration", "oss:GetBucketTransferAcceleration"},
	"PutBucketAccelerateConfiguration":            {"s3:PutAccelerateConfiguration", "oss:PutBucketTransferAcceleration"},
	"GetBucketTransferAcceleration":               {"s3:GetAccelerateConfiguration", "oss:GetBucketTransferAcceleration"},
	"GetBucketOverwriteConfig":                    {"s3:GetBucketPolicy", "oss:GetBucketOverwriteConfig"},
	"PutBucketOverwriteConfig":                    {"s3:PutBucketPolicy", "oss:PutBucketOverwriteConfig"},
	"DeleteBucketOverwriteConfig":                 {"s3:PutBucketPolicy", "oss:DeleteBucketOverwriteConfig"},
	"GetBucketArchiveDirectRead":                  {"s3:GetBucketPolicy", "oss:GetBucketArchiveDirectRead"},
	"PutBucketArchiveDirectRead":                  {"s3:PutBucketPolicy", "oss:PutBucketArchiveDirectRead"},
	"GetBucketHttpsConfig":                        {"s3:GetBucketPolicy", "oss:GetBucketHttpsConfig"},
	"PutBucketHttpsConfig":                        {"s3:PutBucketPolicy", "oss:PutBucketHttpsConfig"},
	"GetBucketAccessMonitor":                      {"s3:GetBucketPolicy", "oss:GetBucketAccessMonitor"},
	"PutBucketAccessMonitor":                      {"s3:PutBucketPolicy", "oss:PutBucketAccessMonitor"},
	"GetBucketResourceGroup":                      {"s3:GetBucketTagging", "oss:GetBucketResourceGroup"},
	"PutBucketResourceGroup":                      {"s3:PutBucketTagging", "oss:PutBucketResourceGroup"},
	"PutBucketTransferAcceleration":               {"s3:PutAccelerateConfiguration", "oss:PutBucketTransferAcceleration"},
	"DeleteBucketTransferAcceleration":            {"s3:PutAccelerateConfiguration", "oss:DeleteBucketTransferAcceleration"},
	"DeleteBucket":                                {"s3:DeleteBucket", "oss:DeleteBucket"},
	"DeleteObjects":                               {"s3:DeleteObject", "oss:DeleteObject"},
	"GetBucketVersioning":                         {"s3:GetBucketVersioning", "oss:GetBucketVersioning"},
	"PutBucketVersioning":                         {"s3:PutBucketVersioning", "oss:PutBucketVersioning"},
	"GetBucketEncryption":                         {"s3:GetEncryptionConfiguration", "oss:GetBucketEncryption"},
	"PutBucketEncryption":                         {"s3:PutEncryptionConfiguration", "oss:PutBucketEncryption"},
	"DeleteBucketEncryption":                      {"s3:PutEncryptionConfiguration", "oss:DeleteBucketEncryption"},
	"GetBucketTagging":                            {"s3:GetBucketTagging", "oss:GetBucketTagging"},
	"PutBucketTagging":                            {"s3:PutBucketTagging", "oss:PutBucketTagging"},
	"GetBucketAbac":                               {"s3:GetBucketAbac", "oss:GetBucketAbac"},
	"PutBucketAbac":                               {"s3:PutBucketAbac", "oss:PutBucketAbac"},
	"DeleteBucketTagging":                         {"s3:PutBucketTagging", "oss:DeleteBucketTagging"},
	"GetBucketPolicy":                             {"s3:GetBucketPolicy", "oss:GetBucketPolicy"},
	"PutBucketPolicy":                             {"s3:PutBucketPolicy", "oss:PutBucketPolicy"},
	"DeleteBucketPolicy":                          {"s3:DeleteBucketPolicy", "oss:DeleteBucketPolicy"},
	"GetBucketPolicyStatus":                       {"s3:GetBucketPolicyStatus", "oss:GetBucketPolicyStatus"},
	"GetBucketReferer":                            {"s3:GetBucketReferer", "oss:GetBucketReferer"},
	"PutBucketReferer":                            {"s3:PutBucketReferer", "oss:PutBucketReferer"},
	"GetBucketRequestPayment":                     {"s3:GetBucketRequestPayment", "oss:GetBucketRequestPayment"},
	"PutBucketRequestPayment":                     {"s3:PutBucketRequestPayment", "oss:PutBucketRequestPayment"},

	"PutObject":               {"s3:PutObject", "oss:PutObject"},
	"CopyObject":              {"s3:PutObject", "oss:PutObject"},
	"AppendObject":            {"s3:PutObject", "oss:PutObject"},
	"SealAppendObject":        {"s3:PutObject", "oss:PutObject"},
	"PutSymlink":              {"s3:PutObject", "oss:PutObject"},
	"CreateMultipartUpload":   {"s3:PutObject", "oss:PutObject"},
	"UploadPart":              {"s3:PutObject", "oss:PutObject"},
	"UploadPartCopy":          {"s3:PutObject", "oss:PutObject"},
	"CompleteMultipartUpload": {"s3:PutObject", "oss:PutObject"},
	"AbortMultipartUpload":    {"s3:AbortMultipartUpload", "oss:AbortMultipartUpload"},
	"ListParts":               {"s3:ListMultipartUploadParts", "oss:ListParts"},
	"GetObject":               {"s3:GetObject", "oss:GetObject"},
	"HeadObject":              {"s3:GetObject", "oss:GetObject"},
	"GetObjectMeta":           {"s3:GetObject", "oss:GetObject"},
	"GetSymlink":              {"s3:GetObject", "oss:GetObject"},
	"SelectObjectContent":     {"s3:GetObject", "oss:GetObject"},
	"SelectObject":            {"s3:GetObject", "oss:GetObject"},
	"RestoreObject":           {"s3:RestoreObject", "oss:RestoreObject"},
	"CleanRestoredObject":     {"s3:RestoreObject", "oss:RestoreObject"},
	"GetObjectWithProcess":    {"s3:GetObject", "oss:GetObject"},
	"ProcessObject":           {"s3:GetObject", "oss:PostProcessTask"},
	"DeleteObject":            {"s3:DeleteObject", "oss:DeleteObject"},
	"GetObjectAcl":            {"s3:GetObjectAcl", "oss:GetObjectAcl"},
	"PutObjectAcl":            {"s3:PutObjectAcl", "oss:PutObjectAcl"},
	"GetObjectTagging":        {"s3:GetObjectTagging", "oss:GetObjectTagging"},
	"PutObjectAnnotation":     {"s3:PutObjectAnnotation", "oss:PutObject"},
	"UpdateObjectEncryption":  {"s3:UpdateObjectEncryption", "oss:PutObject"},
	"GetObjectAnnotation":     {"s3:GetObjectAnnotation", "oss:GetObject"},
	"ListObjectAnnotations":   {"s3:ListObjectAnnotations", "oss:GetObject"},
	"DeleteObjectAnnotation":  {"s3:DeleteObjectAnnotation", "oss:DeleteObject"},
	"PutObjectTagging":        {"s3:PutObjectTagging", "oss:PutObjectTagging"},
	"DeleteObjectTagging":     {"s3:DeleteObjectTagging", "oss:DeleteObjectTagging"},
}

// actionNames are an operation's action names: S3's, then OSS's.
type actionNames [2]string

// in is the name a policy of language lang uses.
func (a actionNames) in(lang policy.Language) string {
	if lang == policy.OSS {
		return a[1]
	}
	return a[0]
}

// versionActions are the actions (S3's, OSS's) that decide an operation
// when its request names an object version (?versionId=, a copy source's
// ?versionId=, a DeleteObjects entry's VersionId): S3 asks for
// s3:GetObjectVersion, not s3:GetObject, to read an old version, and
// s3:DeleteObjectVersion to delete one for good.
var versionActions = map[string]actionNames{
	"GetObject":            {"s3:GetObjectVersion", "oss:GetObjectVersion"},
	"HeadObject":           {"s3:GetObjectVersion", "oss:GetObjectVersion"},
	"WebsiteGetObject":     {"s3:GetObjectVersion", "oss:GetObjectVersion"}, // a website endpoint serves ?versionId= too
	"GetObjectWithProcess": {"s3:GetObjectVersion", "oss:GetObjectVersion"},
	"GetObjectMeta":        {"s3:GetObjectVersion", "oss:GetObjectVersion"},
	"GetSymlink":           {"s3:GetObjectVersion", "oss:GetObjectVersion"},
	"SelectObject":         {"s3:GetObjectVersion", "oss:GetObjectVersion"},
	"GetObjectAttributes":  {"s3:GetObjectVersionAttributes", "oss:GetObjectVersion"},
	"DeleteObject":         {"s3:DeleteObjectVersion", "oss:DeleteObjectVersion"},
	"GetObjectAcl":         {"s3:GetObjectVersionAcl", "oss:GetObjectVersionAcl"},
	"PutObjectAcl":         {"s3:PutObjectVersionAcl", "oss:PutObjectVersionAcl"},
	"GetObjectTagging":     {"s3:GetObjectVersionTagging", "oss:GetObjectVersionTagging"},
	"PutObjectTagging":     {"s3:PutObjectVersionTagging", "oss:PutObjectVersionTagging"},
	"DeleteObjectTagging":  {"s3:DeleteObjectVersionTagging", "oss:DeleteObjectVersionTagging"},
}

// policyOps are the operations on the policy itself: the bucket owner
// may always call them, whatever the policy says (S3's protection
// against locking the owner out), and nobody else may.
var policyOps = map[string]bool{"GetBucketPolicy": true, "PutBucketPolicy": true, "DeleteBucketPolicy": true}

// policyWire is how a dialect carries policy documents.
type policyWire struct {
	// lang is the language of the documents PutBucketPolicy takes.
	lang policy.Language
	// putStatus is the status of a successful PutBucketPolicy.
	putStatus int
	// statusWithoutPolicy answers GetBucketPolicyStatus on a bucket
	// without a policy: IsPublic false (true) or NoSuchBucketPolicy.
	statusWithoutPolicy bool
	// emptyMalformed answers an empty PutBucketPolicy body as a document
	// that is not JSON (S3's MalformedPolicy, LocalStack's AWS-recorded
	// test_bucket_policy_exc) rather than MissingRequestBodyError.
	emptyMalformed bool
}

// policyWires holds the dialects that have bucket policies.
var policyWires = map[string]policyWire{
	"s3":  {lang: policy.AWS, putStatus: http.StatusNoContent, emptyMalformed: true},
	"oss": {lang: policy.OSS, putStatus: http.StatusOK, statusWithoutPolicy: true},
	// Sina's S3-style API takes S3's documents.
	"sina": {lang: policy.AWS, putStatus: http.StatusNoContent},
}

// policyRow is the configuration row of ?policy.
var policyRow = &configRow{
	sub: "policy", kind: bucketconfig.KindPolicy, root: "Policy",
	get: "GetBucketPolicy", put: "PutBucketPolicy", del: "DeleteBucketPolicy", perm: permOwner,
	parse: parseBucketPolicy,
	// The document is JSON, answered as stored.
	write: func(rc *request, c bucketconfig.Config) error {
		return writePolicyDoc(rc, c.(*bucketconfig.Policy).Document)
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchBucketPolicy", "").with("BucketName", rc.op.Bucket)
	},
	putStatus: func(d *dialect) int { return policyWires[d.name].putStatus },
	// Read past the policy limit, so that a policy a little too large is
	// PolicyTooLarge rather than a generic oversized body.
	maxDoc:   2 * policy.MaxDocument,
	emptyDoc: func(rc *request) bool { return policyWires[rc.d.name].emptyMalformed },
}

// parseBucketPolicy validates a policy document in the dialect's
// language for the request's bucket.
func parseBucketPolicy(rc *request, data []byte) (bucketconfig.Config, error) {
	w, ok := policyWires[rc.d.name]
	if !ok {
		return nil, errorf("NotImplemented", "Bucket policies are not implemented in this protocol.")
	}
	p, err := parsePolicyDoc(data, w.lang, rc.op.Bucket)
	if err != nil {
		return nil, err
	}
	if blocked, err := rc.s.policyBlocked(rc, p); err != nil {
		return nil, err
	} else if blocked {
		return nil, errorf("AccessDenied", "The bucket's Public Access Block (BlockPublicPolicy) refuses a public policy.")
	}
	c := &bucketconfig.Policy{Language: w.lang.String(), Document: string(data)}
	c.Parsed(func(*bucketconfig.Policy) (any, error) { return p, nil })
	return c, nil
}

// writePolicyDoc answers a stored policy document, JSON, as it was put.
func writePolicyDoc(rc *request, doc string) error {
	h := rc.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	rc.w.WriteHeader(http.StatusOK)
	_, err := io.WriteString(rc.w, doc)
	return err
}

// parsePolicyDoc parses a policy document of lang attached to bucket,
// answering its faults as the service does (PolicyTooLarge,
// MalformedPolicy with the reason).
func parsePolicyDoc(data []byte, lang policy.Language, bucket string) (*policy.Policy, error) {
	p, err := policy.Parse(data, lang, bucket)
	var me *policy.MalformedError
	switch {
	case errors.Is(err, policy.ErrTooLarge):
		return nil, errorf("PolicyTooLarge", "")
	case errors.As(err, &me):
		return nil, errorf("MalformedPolicy", "%s", me.Reason)
	}
	return p, err
}

// compiledPolicy returns the parsed form of a stored policy.
func compiledPolicy(c *bucketconfig.Policy, bucket string) (*policy.Policy, error) {
	v, err := c.Parsed(func(c *bucketconfig.Policy) (any, error) {
		lang := policy.AWS
		if c.Language == "oss" {
			lang = policy.OSS
		}
		return policy.Parse([]byte(c.Document), lang, bucket)
	})
	if err != nil {
		return nil, fmt.Errorf("httpapi: stored policy of %s: %w", bucket, err)
	}
	return v.(*policy.Policy), nil
}

// bucketPolicy returns the bucket's policy, or nil when it has none.
func (s *server) bucketPolicy(ctx context.Context, bucket string) (*policy.Policy, error) {
	c, err := s.eng.BucketConfigValue(ctx, bucket, bucketconfig.KindPolicy)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return compiledPolicy(c.(*bucketconfig.Policy), bucket)
}

func init() {
	routes = append(routes, route{method: http.MethodGet, target: targetBucket, params: []string{"policyStatus"},
		op: "GetBucketPolicyStatus", perm: permOwner, handle: (*server).getBucketPolicyStatus})
}

// getBucketPolicyStatus answers whether the bucket's policy is public
// (pkg/policy IsPublic).
func (s *server) getBucketPolicyStatus(rc *request) error {
	p, err := s.bucketPolicy(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	if p == nil && !policyWires[rc.d.name].statusWithoutPolicy {
		return errorf("NoSuchBucketPolicy", "").with("BucketName", rc.op.Bucket)
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "PolicyStatus", &policyStatus{IsPublic: p != nil && p.IsPublic()})
}

// policyStatus is the PolicyStatus document.
type policyStatus struct {
	XMLName  xml.Name
	IsPublic bool `xml:"IsPublic"`
}

// policyDecision evaluates the bucket policy of rc's bucket for rc's
// operation on key ("" for the bucket itself) of b, its version versionID
// ("": the latest; whose tags s3:ExistingObjectTag reads): Deny (explicit deny),
// Allow, or NotApplicable (no policy, or no statement matched: ACLs
// decide). Every dialect's request goes through it (the policy's language
// picks the action and resource names). The bucket owner's calls of the
// policy operations themselves are never denied.
func (s *server) policyDecision(rc *request, b engine.BucketInfo, op, key, versionID string) (policy.Decision, error) {
	return s.policyDecisionOn(rc, b, op, key, versionID, nil)
}

// policySeen is the object a policy decision reads s3:ExistingObjectTag
// from: known, when set, is the object decided (the one a handler opened,
// see recheckObject), whose tags are used without reading; otherwise read
// is set to the object the decision read its tags from, so that the
// caller decides the rest on that same object rather than on a later
// read a concurrent overwrite may have replaced.
type policySeen struct {
	known, read *engine.ObjectInfo
}

// policyDecisionOn is policyDecision reading the object's tags through
// seen (nil: read them).
func (s *server) policyDecisionOn(rc *request, b engine.BucketInfo, op, key, versionID string, seen *policySeen) (policy.Decision, error) {
	names, ok := policyActions[op]
	if !ok {
		return policy.NotApplicable, nil
	}
	p, err := s.bucketPolicy(rc.ctx, b.Name)
	if err != nil || p == nil {
		return policy.NotApplicable, err
	}
	pc := &policyContext{s: s, rc: rc, bucket: b.Name, key: key, versionID: versionID, seen: seen}
	if pc.ap = rc.accessPointOf(b); pc.ap != nil {
		pc.apBucket = b
	}
	req := &policy.Request{Principal: s.policyPrincipal(rc, p.Language), Context: pc}
	req.Principal.BucketOwner = owns(rc.who, b.Owner)
	req.Action = names.in(p.Language)
	if p.Language == policy.OSS {
		req.Resource = "acs:oss:" + s.regionOf(b) + ":" + rc.d.userID(b.Owner) + ":" + b.Name
	} else {
		req.Resource = "arn:aws:s3:::" + b.Name
	}
	if key != "" {
		req.Resource += "/" + key
	}
	if p.Language == policy.AWS && isDirectoryBucket(b.Name) {
		// A directory bucket's policy names s3express actions on its
		// bucket ARN (express_s3.go).
		req.Action = strings.Replace(req.Action, "s3:", "s3express:", 1)
		req.Resource = "arn:aws:s3express:" + s.regionOf(b) + ":" + policyAccount(b.Owner) + ":bucket/" + b.Name
	}
	dec := p.Evaluate(req)
	if vnames, ok := versionActions[op]; ok && versionID != "" && !isDirectoryBucket(b.Name) {
		// A version: its action decides; a Deny of the plain action
		// still refuses (never looser than without the version).
		req.Action = vnames.in(p.Language)
		if vdec := p.Evaluate(req); dec != policy.Deny {
			dec = vdec
		}
	}
	if policyOps[op] && owns(rc.who, b.Owner) {
		return policy.Allow, nil
	}
	if pc.err != nil && dec != policy.Deny {
		return policy.NotApplicable, pc.err
	}
	return dec, nil
}

// authorizePolicy is the policy step of authorize: the decision for the
// request's operation and target. DeleteObjects names its keys in the
// body: the policy is applied to each key as it is deleted
// (deleteAllowed), so here it passes when the policy may allow the
// caller s3:DeleteObject on some key, and otherwise leaves the decision
// to the ACLs.
func (s *server) authorizePolicy(rc *request, b engine.BucketInfo, seen *policySeen) (policy.Decision, error) {
	if rc.op.Operation == "DeleteObjects" {
		p, err := s.bucketPolicy(rc.ctx, b.Name)
		if err != nil || p == nil {
			return policy.NotApplicable, err
		}
		who := s.policyPrincipal(rc, p.Language)
		who.BucketOwner = owns(rc.who, b.Owner)
		if p.MayAllow(&policy.Request{Principal: who, Action: policyActions["DeleteObject"].in(p.Language)}) {
			return policy.Allow, nil
		}
		return policy.NotApplicable, nil
	}
	dec, err := s.policyDecisionOn(rc, b, rc.op.Operation, rc.op.Key, rc.q.Get("versionId"), seen)
	if err == nil && dec == policy.Allow && policyOps[rc.op.Operation] && !owns(rc.who, b.Owner) {
		// S3: a caller outside the owner's account that the policy lets
		// manage the policy gets 405.
		return dec, errorf("MethodNotAllowed", "").with("Method", rc.r.Method).with("ResourceType", "BUCKET")
	}
	return dec, err
}

// deleteAllowed applies the policy to one key of a DeleteObjects
// request (its version versionID, "" the latest; nil: delete it);
// without a matching statement the owner and bucket writers may.
func (s *server) deleteAllowed(rc *request, key, versionID string) error {
	if s.cfg.Permissive {
		return nil
	}
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	dec, err := s.policyDecision(rc, b, "DeleteObject", key, versionID)
	switch {
	case err != nil:
		return err
	case dec == policy.Deny:
		return errorf("AccessDenied", "")
	case dec == policy.Allow || s.cfg.Permissive || owns(rc.who, b.Owner):
		return nil
	}
	// The bucket's ACL, as the decision point applies it (ownership,
	// IgnorePublicAcls).
	in := &access{ctx: rc.ctx, rc: rc, r: rc.r, dialect: rc.d.name, who: rc.who, op: "DeleteObject", perm: permBucketWrite, bucket: b, versionID: versionID}
	if err := in.load(s); err != nil {
		return err
	}
	if in.aclAllows() {
		return nil
	}
	return errorf("AccessDenied", "")
}

// policyPrincipal is who rc's sender is to a policy. Each access key is
// its own account today: its canonical ID is the S3 canonical user (and
// the OSS UID), its 12-digit account ID derived from that
// (policyAccount), its ARN the account root.
func (s *server) policyPrincipal(rc *request, lang policy.Language) policy.Principal {
	return s.principalOf(rc.who, lang)
}

// principalOf is who as a policy of language lang names it.
func (s *server) principalOf(who principal, lang policy.Language) policy.Principal {
	if who.anonymous {
		return policy.Principal{Anonymous: true}
	}
	if lang == policy.OSS {
		// OSS policies name users by their UID, as OSS documents show it.
		return policy.Principal{Account: s.ossUID(who.id), CanonicalID: who.id}
	}
	acct := policyAccount(who.id)
	return policy.Principal{Account: acct, ARN: "arn:aws:iam::" + acct + ":root", CanonicalID: who.id}
}

// policyAccount derives a 12-digit account ID from a canonical user ID:
// the first 8 bytes of an ID in lower-case hex (the default IDs, hex
// SHA-256 of the access key), else of the ID's SHA-256. Padding a
// shorter or non-hex ID with zeros made every such user (canonicalId
// "alice", "bob") account 000000000000, one principal to policies,
// aws:PrincipalAccount and x-amz-expected-bucket-owner.
func policyAccount(canonicalID string) string {
	b, err := hex.DecodeString(canonicalID)
	if err != nil || len(b) < 8 || hex.EncodeToString(b) != canonicalID {
		h := sha256.Sum256([]byte(canonicalID))
		b = h[:]
	}
	return fmt.Sprintf("%012d", binary.BigEndian.Uint64(b[:8])%1_000_000_000_000)
}

// policyContext supplies the condition keys of a request, computed when
// a policy asks for them. S3's (aws:, s3:) and OSS's (acs:, oss:) names
// are both served.
type policyContext struct {
	s  *server
	rc *request
	// bucket, key and versionID name the object decided ("" versionID:
	// the latest): the request's own, or another it reads (a copy
	// source).
	bucket, key, versionID string
	// ap is the access point the request reaches the decided bucket,
	// apBucket, through (nil: none): its keys are that bucket's only.
	ap       *bucketconfig.AccessPoint
	apBucket engine.BucketInfo
	// tags caches the object's tags for s3:ExistingObjectTag.
	tags    []engine.Tag
	tagsSet bool
	// seen, when set, gives the object decided or takes the one read.
	seen *policySeen
	// err is the first store error a condition key's lookup met: the
	// decision is then refused with it, never made as if the key were
	// absent (a Deny on a tag must not lapse while the store fails).
	err error
}

// fail records err, the store's answer to a lookup, unless it says what
// is looked up does not exist (a missing object or configuration: the key
// is absent).
func (c *policyContext) fail(err error) {
	if _, internal := toError(err); (internal || errors.Is(err, engine.ErrClosed)) && c.err == nil {
		c.err = err
	}
}

// Lookup implements policy.Context.
func (c *policyContext) Lookup(key string) ([]string, bool) {
	rc := c.rc
	one := func(v string) ([]string, bool) { return []string{v}, true }
	svc, name, _ := strings.Cut(key, ":")
	switch name {
	case "sourceip":
		host, _, err := net.SplitHostPort(rc.r.RemoteAddr)
		if err != nil {
			host = rc.r.RemoteAddr
		}
		return one(host)
	case "securetransport":
		return one(strconv.FormatBool(rc.r.TLS != nil))
	case "referer":
		if v := headerValue(rc.r.Header, "Referer"); v != "" {
			return one(v)
		}
		return nil, false
	case "useragent":
		if v := headerValue(rc.r.Header, "User-Agent"); v != "" {
			return one(v)
		}
		return nil, false
	case "currenttime":
		return one(c.s.clock.Now().UTC().Format("2006-01-02T15:04:05Z"))
	case "epochtime":
		return one(strconv.FormatInt(c.s.clock.Now().Unix(), 10))
	}
	if tag, ok := strings.CutPrefix(key, "aws:resourcetag/"); ok {
		return c.resourceTag(tag)
	}
	if svc == "aws" || svc == "acs" {
		if rc.who.anonymous {
			return nil, false
		}
		switch name {
		case "username":
			return one(c.s.userName(rc.who))
		case "userid":
			return one(rc.who.id)
		case "principalaccount":
			return one(policyAccount(rc.who.id))
		case "principalarn":
			return one("arn:aws:iam::" + policyAccount(rc.who.id) + ":root")
		case "principaltype":
			return one("Account")
		}
		return nil, false
	}
	switch name {
	case "dataaccesspointarn", "dataaccesspointaccount", "accesspointnetworkorigin":
		// OSS's keys of a request through an access point
		// (accesspoint_oss.go): what a bucket policy delegates on, for
		// the access point's own bucket only.
		if c.ap == nil {
			return nil, false
		}
		switch name {
		case "dataaccesspointarn":
			return one(c.s.apARN(rc, c.apBucket, c.ap.Name))
		case "dataaccesspointaccount":
			return one(c.s.ossUID(c.apBucket.Owner))
		}
		return one(c.ap.NetworkOrigin)
	case "prefix", "delimiter", "max-keys":
		if !listOps[rc.op.Operation] {
			return nil, false
		}
		if name == "prefix" || rc.q.Has(name) {
			return one(rc.q.Get(name))
		}
		return nil, false
	case "versionid":
		if rc.q.Has("versionId") {
			return one(rc.q.Get("versionId"))
		}
		return nil, false
	case "signatureversion":
		if rc.formSignature != "" {
			return one(rc.formSignature)
		}
		if rc.auth == nil {
			return nil, false
		}
		if rc.auth.Method == sigv4.MethodV4Header || rc.auth.Method == sigv4.MethodV4Query {
			return one("AWS4-HMAC-SHA256")
		}
		return one("AWS")
	case "authtype":
		switch {
		case rc.who.anonymous:
			return nil, false
		case rc.route.auth == authForm:
			// Whatever else the request carries: a form's credentials
			// are its fields (an Authorization header beside them is
			// not verified, and must not make it REST-HEADER).
			return one("POST")
		case headerValue(rc.r.Header, "Authorization") != "":
			return one("REST-HEADER")
		}
		return one("REST-QUERY-STRING")
	case "requestobjecttagkeys":
		tags, ok := c.requestTags()
		if !ok {
			return nil, false
		}
		keys := make([]string, 0, len(tags))
		for k := range tags {
			keys = append(keys, k)
		}
		return keys, true
	}
	if tag, ok := strings.CutPrefix(key, svc+":requestobjecttag/"); ok {
		tags, _ := c.requestTags()
		v, ok := tags[tag]
		if !ok {
			return nil, false
		}
		return v, true
	}
	if tag, ok := strings.CutPrefix(key, svc+":existingobjecttag/"); ok {
		for _, t := range c.objectTags() {
			if t.Key == tag {
				return one(t.Value)
			}
		}
		return nil, false
	}
	switch name {
	case "x-amz-acl", "x-oss-acl", "x-oss-object-acl":
		// The canned ACL of the write, as the request's dialect sends
		// it (S3 and Sina x-amz-acl; OSS x-oss-object-acl for an object,
		// x-oss-acl for a bucket): a policy written in one language
		// holds for writes in every dialect.
		return headerKeyValue(rc.r.Header, rc.d.h(rc.cannedHeader()))
	}
	// s3:x-amz-server-side-encryption, s3:x-amz-copy-source,
	// oss:x-oss-... : the request header of that name.
	if len(name) > 6 && (strings.HasPrefix(name, "x-amz-") || strings.HasPrefix(name, "x-oss-")) {
		return headerKeyValue(rc.r.Header, rc.d.h(name[6:]))
	}
	return nil, false
}

// headerKeyValue is a header-named condition key: the header's value,
// one value even when the header is sent more than once (its values
// combined as HTTP combines repeated fields, "a,b"). Handlers read a
// header's first value or the combined one, never each: a condition
// judging each (a negated one holds only when none matches) let a
// second value satisfy the policy while the first was used
// (AES256 then aws:kms under "deny unless aws:kms").
func headerKeyValue(h http.Header, name string) ([]string, bool) {
	v, ok := h[http.CanonicalHeaderKey(name)]
	switch {
	case !ok:
		return nil, false
	case len(v) > 1:
		return []string{strings.Join(v, ",")}, true
	}
	return v, true
}

// listOps are the listings whose prefix, delimiter and max-keys are
// condition keys.
var listOps = map[string]bool{"ListObjects": true, "ListObjectsV2": true, "ListObjectVersions": true, "ListMultipartUploads": true}

// resourceTag is aws:ResourceTag/<tag>: the tag of that key (IAM
// compares the key without regard to case) of the bucket decided
// (c.bucket: a copy source's when its policy decides the read, never the
// request's own bucket then), which S3 evaluates for a general purpose
// bucket only while it has ABAC on ("S3 evaluates this condition key
// only after you enable ABAC on your bucket") and for a directory bucket always ("For Amazon S3 resources
// such as access points and directory buckets, ABAC is enabled by
// default"); otherwise the key is absent. The bucket policy decides the
// requests of every dialect, and so does the key: an OSS request meets a
// Deny on the bucket's tags as an S3 one does.
func (c *policyContext) resourceTag(tag string) ([]string, bool) {
	rc := c.rc
	if c.bucket == "" {
		return nil, false
	}
	if !isDirectoryBucket(c.bucket) {
		on, err := c.s.abacEnabled(rc.ctx, c.bucket)
		if err != nil {
			c.fail(err)
		}
		if !on {
			return nil, false
		}
	}
	cfg, err := c.s.eng.BucketConfigValue(rc.ctx, c.bucket, bucketconfig.KindTagging)
	if err != nil {
		c.fail(err)
		return nil, false
	}
	for _, t := range cfg.(*bucketconfig.Tagging).Tags {
		if strings.EqualFold(t.Key, tag) {
			return []string{t.Value}, true
		}
	}
	return nil, false
}

// requestTags parses the x-?-tagging header of a write.
func (c *policyContext) requestTags() (url.Values, bool) {
	v := c.rc.header("tagging")
	if v == "" {
		return nil, false
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, false
	}
	return q, true
}

// objectTags reads the tags of the object decided (none when it does
// not exist): that version's, in that bucket.
func (c *policyContext) objectTags() []engine.Tag {
	if !c.tagsSet && c.key != "" {
		c.tagsSet = true
		if c.seen != nil && c.seen.known != nil {
			c.tags = c.seen.known.Tags
			return c.tags
		}
		var info engine.ObjectInfo
		var err error
		if c.versionID == "" {
			info, err = c.s.eng.HeadObject(c.rc.ctx, c.bucket, c.key)
		} else {
			info, err = c.s.eng.HeadObjectVersion(c.rc.ctx, c.bucket, c.key, c.versionID)
		}
		if err == nil {
			c.tags = info.Tags
			if c.seen != nil {
				c.seen.read = &info
			}
		} else {
			c.fail(err)
		}
	}
	return c.tags
}
