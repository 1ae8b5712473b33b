package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Access points (OSS) are an account's: the list is the account's
// configuration of kind bucketconfig.KindAccessPoints (A/<account>), and
// each alias has an index record I/<alias> naming the account, written in
// the same batch, so a request addressed to an alias finds its access
// point with two lookups. An access point remembers its bucket's ID: one
// whose bucket was deleted (and perhaps made again, by anyone) reaches
// nothing, and the next change to the account's list drops it.

const prefixAccessPointAlias = "I/"

func accessPointAliasKey(alias string) []byte {
	return append([]byte(prefixAccessPointAlias), alias...)
}

// ErrNoSuchAccessPoint: no access point of that name or alias.
var ErrNoSuchAccessPoint = errors.New("engine: no such access point")

// UpdateAccessPoints changes the account's access points atomically:
// update gets the current ones (it must not modify them; those whose
// bucket is gone are left out) and returns the new list, which is
// validated; its error is returned as is and nothing changes. Every
// access point whose bucket ID is new is checked against its bucket's
// record in the same step (ErrNoSuchBucket, or ErrBucketChanged when the
// bucket was made again).
func (e *Engine) UpdateAccessPoints(ctx context.Context, account string, update func(cur []bucketconfig.AccessPoint) ([]bucketconfig.AccessPoint, error)) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if account == "" {
		return fmt.Errorf("%w: access points need an account", ErrInvalidArgument)
	}
	kind := bucketconfig.KindAccessPoints
	defer e.configs.forget(account, accountKinds[kind])
	return e.applyCtx(ctx, func(m *mutation) error {
		key := accountConfigKey(account, string(kind))
		v, ok, err := get(e.db, key)
		if err != nil {
			return err
		}
		cur := &bucketconfig.AccessPoints{}
		if ok {
			c, err := bucketconfig.Decode(kind, v)
			if err != nil {
				return fmt.Errorf("%w: stored access points of %s: %w", ErrCorrupt, account, err)
			}
			cur = c.(*bucketconfig.AccessPoints)
		}
		live := make([]bucketconfig.AccessPoint, 0, len(cur.Points))
		for _, p := range cur.Points {
			if rec, err := e.bucketRecord(e.db, p.Bucket); err == nil && rec.id == p.BucketID {
				live = append(live, p)
			} else if err != nil && !errors.Is(err, ErrNoSuchBucket) {
				return err
			}
		}
		next, err := update(live)
		if err != nil {
			return err
		}
		c := &bucketconfig.AccessPoints{Points: next}
		if err := c.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		had := map[string]bool{}
		for _, p := range cur.Points {
			had[p.Alias] = true
		}
		for _, p := range next {
			if had[p.Alias] {
				delete(had, p.Alias)
				continue
			}
			rec, err := e.bucketRecord(e.db, p.Bucket)
			if err != nil {
				return err
			}
			if rec.id != p.BucketID {
				return fmt.Errorf("%w: %s", ErrBucketChanged, p.Bucket)
			}
			if err := m.b.Set(accessPointAliasKey(p.Alias), []byte(account), nil); err != nil {
				return err
			}
		}
		for alias := range had { // removed, or whose bucket is gone
			if err := m.b.Delete(accessPointAliasKey(alias), nil); err != nil {
				return err
			}
		}
		if len(next) == 0 {
			return m.b.Delete(key, nil)
		}
		doc, err := bucketconfig.Encode(c)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		return m.b.Set(key, doc, nil)
	})
}

// AccessPoints returns the account's access points whose bucket still
// exists (cached as account configurations are; callers must not modify
// them).
func (e *Engine) AccessPoints(ctx context.Context, account string) ([]bucketconfig.AccessPoint, error) {
	c, err := e.AccountConfigValue(ctx, account, bucketconfig.KindAccessPoints)
	if errors.Is(err, ErrNoSuchConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	points := c.(*bucketconfig.AccessPoints).Points
	out := points[:0:0]
	for _, p := range points {
		if live, err := e.accessPointLive(ctx, p); err != nil {
			return nil, err
		} else if live {
			out = append(out, p)
		}
	}
	return out, nil
}

// accessPointLive reports whether p's bucket is the one it was made for
// (not deleted, nor deleted and made again).
func (e *Engine) accessPointLive(ctx context.Context, p bucketconfig.AccessPoint) (bool, error) {
	b, err := e.Bucket(ctx, p.Bucket)
	if errors.Is(err, ErrNoSuchBucket) {
		return false, nil
	}
	return err == nil && b.ID == p.BucketID, err
}

// AccessPointByAlias returns the access point an alias names and the
// account that owns it, or ErrNoSuchAccessPoint (also when its bucket is
// gone).
func (e *Engine) AccessPointByAlias(ctx context.Context, alias string) (account string, ap bucketconfig.AccessPoint, err error) {
	if err := e.enter(ctx); err != nil {
		return "", ap, err
	}
	defer e.leave()
	v, ok, err := get(e.db, accessPointAliasKey(alias))
	if err != nil || !ok {
		if err == nil {
			err = ErrNoSuchAccessPoint
		}
		return "", ap, err
	}
	account = string(v)
	c, err := e.AccountConfigValue(ctx, account, bucketconfig.KindAccessPoints)
	if errors.Is(err, ErrNoSuchConfig) {
		return "", ap, ErrNoSuchAccessPoint
	}
	if err != nil {
		return "", ap, err
	}
	for _, p := range c.(*bucketconfig.AccessPoints).Points {
		if p.Alias != alias {
			continue
		}
		// Only this one's bucket is looked up: a request through an
		// alias pays one bucket read, whatever the account holds.
		if live, err := e.accessPointLive(ctx, p); err != nil || live {
			return account, p, err
		}
		break
	}
	return "", ap, ErrNoSuchAccessPoint
}
