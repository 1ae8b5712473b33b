package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// replicationTargets is the repeatable -replication-target flag:
// ARN=ENDPOINT,ACCESS_KEY,SECRET, a remote S3 endpoint receiving the
// replicas of rules whose destination is that bucket ARN.
type replicationTargets map[string]*httpapi.S3ReplicationTarget

func (r *replicationTargets) String() string {
	if r == nil {
		return ""
	}
	arns := make([]string, 0, len(*r))
	for arn := range *r {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	return strings.Join(arns, ",")
}

func (r *replicationTargets) Set(v string) error {
	arn, t, err := httpapi.ParseS3ReplicationTarget(v)
	if err != nil {
		return err
	}
	if *r == nil {
		*r = replicationTargets{}
	}
	if _, dup := (*r)[arn]; dup {
		return fmt.Errorf("replication target %s given twice", arn)
	}
	(*r)[arn] = t
	return nil
}

// engineTargets returns the targets as the engine takes them.
func (r replicationTargets) engineTargets() map[string]engine.ReplicationTarget {
	if len(r) == 0 {
		return nil
	}
	out := make(map[string]engine.ReplicationTarget, len(r))
	for arn, t := range r {
		out[arn] = t
	}
	return out
}

// owners returns the engine's TargetOwners: each target serves primary's
// buckets and those of the owners extra names for it (ARN=ID pairs; ID *
// lifts the limit).
func (r replicationTargets) owners(primary string, extra []string) map[string][]string {
	arns := make([]string, 0, len(r))
	for arn := range r {
		arns = append(arns, arn)
	}
	return targetOwners(arns, primary, extra)
}

// checkTargetOwners checks the ARN=ID pairs of the -<flag>-owner flag:
// each names one of the -<flag> targets (known) and an owner (or *).
func checkTargetOwners(flag string, pairs []string, known func(arn string) bool) error {
	for _, p := range pairs {
		if arn, id, _ := strings.Cut(p, "="); !known(arn) || id == "" {
			return fmt.Errorf("-%s-owner %q: want ARN=ID (or ARN=*) of a -%s", flag, p, flag)
		}
	}
	return nil
}

// targetOwners keeps each of the server's targets arns (of replication or
// notifications) for primary's buckets and those of the owners extra
// names for it (ARN=ID pairs; ID * lifts the limit): the engine's
// TargetOwners maps.
func targetOwners(arns []string, primary string, extra []string) map[string][]string {
	if len(arns) == 0 {
		return nil
	}
	out := make(map[string][]string, len(arns))
	for _, arn := range arns {
		out[arn] = []string{primary}
	}
	for _, p := range extra {
		arn, id, _ := strings.Cut(p, "=")
		if id == "*" {
			delete(out, arn)
		} else if ids, ok := out[arn]; ok {
			out[arn] = append(ids, id)
		}
	}
	return out
}

// replicationCollector reports the replication backlog and S3's
// replication metrics (engine.ReplicationMetrics) at every scrape.
type replicationCollector struct{ eng *engine.Engine }

var (
	descReplicationBacklog = prometheus.NewDesc("osslite_replication_backlog",
		"Object versions waiting to be replicated (pending or being retried).", nil, nil)
	replicationLabels     = []string{"bucket", "destination", "rule_id"}
	descReplicationOpsPen = prometheus.NewDesc("osslite_replication_operations_pending",
		"Replications waiting, by source bucket, destination bucket ARN and rule (S3's OperationsPendingReplication).", replicationLabels, nil)
	descReplicationBytes = prometheus.NewDesc("osslite_replication_bytes_pending",
		"Bytes of the versions waiting to be replicated (S3's BytesPendingReplication).", replicationLabels, nil)
	descReplicationLatency = prometheus.NewDesc("osslite_replication_latency_seconds",
		"Age of the oldest write waiting to be replicated: how far the destination is behind (S3's ReplicationLatency).", replicationLabels, nil)
	descReplicationFailed = prometheus.NewDesc("osslite_replication_operations_failed_total",
		"Replications marked FAILED (attempts used up) since start (S3's OperationsFailedReplication).", replicationLabels, nil)
)

func (replicationCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descReplicationBacklog, descReplicationOpsPen, descReplicationBytes,
		descReplicationLatency, descReplicationFailed} {
		ch <- d
	}
}

func (c replicationCollector) Collect(ch chan<- prometheus.Metric) {
	ctx := context.Background()
	n, err := c.eng.ReplicationBacklog(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descReplicationBacklog, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descReplicationBacklog, prometheus.GaugeValue, float64(n))
	ms, err := c.eng.ReplicationMetrics(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descReplicationOpsPen, err)
		return
	}
	for _, m := range ms {
		labels := []string{m.Bucket, m.Destination, m.RuleID}
		ch <- prometheus.MustNewConstMetric(descReplicationOpsPen, prometheus.GaugeValue, float64(m.OperationsPending), labels...)
		ch <- prometheus.MustNewConstMetric(descReplicationBytes, prometheus.GaugeValue, float64(m.BytesPending), labels...)
		ch <- prometheus.MustNewConstMetric(descReplicationLatency, prometheus.GaugeValue, m.Latency.Seconds(), labels...)
		ch <- prometheus.MustNewConstMetric(descReplicationFailed, prometheus.CounterValue, float64(m.OperationsFailed), labels...)
	}
}
