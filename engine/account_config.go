package engine

import (
	"context"
	"fmt"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Account configurations are settings of an account (an owner ID) rather
// than of one bucket: OSS's account-level Block Public Access. They are
// stored as A/<account>\x00<kind> and cached with the bucket
// configurations under the account as name and an "account/" kind, which
// no bucket configuration has (authorization asks on every load: the
// lookup allocates nothing).

const prefixAccount = "A/"

func accountConfigKey(account, kind string) []byte {
	k := make([]byte, 0, len(prefixAccount)+len(account)+1+len(kind))
	k = append(k, prefixAccount...)
	k = append(k, account...)
	k = append(k, 0)
	return append(k, kind...)
}

// accountKinds are the cache's kinds of account configurations.
var accountKinds = func() map[bucketconfig.Kind]string {
	m := map[bucketconfig.Kind]string{}
	for _, k := range bucketconfig.Kinds() {
		m[k] = "account/" + string(k)
	}
	return m
}()

// SetAccountConfig validates c and stores it as the account's
// configuration of c's kind.
func (e *Engine) SetAccountConfig(ctx context.Context, account string, c bucketconfig.Config) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if account == "" {
		return fmt.Errorf("%w: an account configuration needs an account", ErrInvalidArgument)
	}
	doc, err := bucketconfig.Encode(c)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	defer e.configs.forget(account, accountKinds[c.Kind()])
	return e.applyCtx(ctx, func(m *mutation) error {
		return m.b.Set(accountConfigKey(account, string(c.Kind())), doc, nil)
	})
}

// DeleteAccountConfig removes the account's configuration of kind;
// removing an absent one succeeds.
func (e *Engine) DeleteAccountConfig(ctx context.Context, account string, kind bucketconfig.Kind) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if accountKinds[kind] == "" {
		return checkKind(string(kind))
	}
	defer e.configs.forget(account, accountKinds[kind])
	return e.applyCtx(ctx, func(m *mutation) error {
		return m.b.Delete(accountConfigKey(account, string(kind)), nil)
	})
}

// AccountConfigValue returns the account's configuration of kind, or
// ErrNoSuchConfig; cached as BucketConfigValue's are (callers must not
// modify the value).
func (e *Engine) AccountConfigValue(ctx context.Context, account string, kind bucketconfig.Kind) (bucketconfig.Config, error) {
	ck := accountKinds[kind]
	if ck == "" {
		return nil, checkKind(string(kind))
	}
	c, gen, ok := e.configs.get(account, ck)
	if ok {
		if c == nil {
			return nil, ErrNoSuchConfig
		}
		return c, nil
	}
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	doc, found, err := get(e.db, accountConfigKey(account, string(kind)))
	if err != nil {
		return nil, err
	}
	if !found {
		e.configs.put(account, ck, nil, gen)
		return nil, ErrNoSuchConfig
	}
	if c, err = bucketconfig.Decode(kind, doc); err != nil {
		return nil, fmt.Errorf("%w: stored %s of account %s: %w", ErrCorrupt, kind, account, err)
	}
	e.configs.put(account, ck, c, gen)
	return c, nil
}
