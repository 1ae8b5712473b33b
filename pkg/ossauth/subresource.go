package ossauth

import (
	"slices"
	"strings"
)

// subResources is the set of query parameters that take part in the v1
// CanonicalizedResource. It is the union of
//
//   - the list in the OSS API reference (auth.md 2.4),
//   - callback, callback-var and restore named elsewhere in the reference,
//   - signKeyList of github.com/aliyun/aliyun-oss-go-sdk v3.0.2 (oss/conn.go),
//     which the spec quotes as the superset a server must honour,
//   - requiredSignedParametersMap of
//     github.com/aliyun/alibabacloud-oss-go-sdk-v2 v1.6.1 (oss/signer/v1.go),
//     which is a subset of the previous list,
//   - the per-operation names the v2 SDK adds for v1 signing (the
//     signer.SubResource lists of its api_op_*.go files), among them seal
//     (SealAppendObject), objectWorm, retention and legalHold,
//   - the names only aliyun-oss-java-sdk signs (SignParameters.
//     SIGNED_PARAMTERS): processConfiguration (its Set/GetBucketProcess),
//     vpcip and vip; no Go SDK sends them, and its integration tests pass
//     against OSS signing them.
//
// In addition every parameter whose name starts with "x-oss-" is signed
// (isSubResource), as the v2 SDK's v1 signer does; every x-oss-* parameter
// the v1 SDK sends is already in its list, so both SDKs agree.
//
// Deliberately absent: "regions" (DescribeRegions). The v2 SDK signs it, the
// v1 SDK sends it unsigned; the v1 SDK is the primary v1 signer, so we follow
// it. Other per-operation names the v2 SDK adds for v1 signing that are not
// listed here (publicAccessBlock, httpsConfig, accessPoint*, ...) belong to
// operations this project does not implement.
var subResources = map[string]struct{}{}

func init() {
	for _, name := range strings.Fields(`
		acl uploads location cors logging website referer lifecycle delete
		append tagging objectMeta uploadId partNumber security-token position
		img style styleName replication replicationProgress
		replicationLocation cname bucketInfo comp qos live status vod
		startTime endTime symlink x-oss-process response-content-type
		response-content-language response-expires response-cache-control
		response-content-disposition response-content-encoding

		callback callback-var restore

		x-oss-traffic-limit udf udfName udfImage udfId udfImageDesc
		udfApplication udfApplicationLog qosInfo policy stat encryption
		versions versioning versionId requestPayment x-oss-request-payer
		sequential inventory inventoryId continuation-token asyncFetch worm
		wormId wormExtend withHashContext x-oss-enable-md5 x-oss-enable-sha1
		x-oss-enable-sha256 x-oss-hash-ctx x-oss-md5-ctx
		transferAcceleration regionList cloudboxes x-oss-ac-source-ip
		x-oss-ac-subnet-mask x-oss-ac-vpc-id x-oss-ac-forward-allow metaQuery
		resourceGroup rtc x-oss-async-process responseHeader

		processConfiguration vpcip vip

		seal objectWorm retention legalHold accessPoint
		accessPointConfigForObjectProcess accessPointForObjectProcess
		accessPointPolicy accessPointPolicyForObjectProcess agenticBucket
		bucketArchiveDirectRead cleanRestoredObject httpsConfig
		metadataConfiguration metadataInventoryTable metadataJournalTable
		overwriteConfig policyStatus publicAccessBlock quota
		redundancyTransition userDefinedLogFieldsConfig DeleteVectorIndex
		GetVectorIndex ListVectorIndexes PutVectorIndex`) {
		subResources[name] = struct{}{}
	}
}

// IsSubResource reports whether the query parameter name is part of the v1
// CanonicalizedResource. Names are case-sensitive, as in OSS.
func IsSubResource(name string) bool {
	if _, ok := subResources[name]; ok {
		return true
	}
	return strings.HasPrefix(name, "x-oss-")
}

// SignedSubresources returns the named query parameters that take part in
// the v1 CanonicalizedResource, sorted; the caller owns the slice. Besides
// these, every parameter whose name starts with "x-oss-" is signed (see
// IsSubResource).
func SignedSubresources() []string {
	out := make([]string, 0, len(subResources))
	for name := range subResources {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
