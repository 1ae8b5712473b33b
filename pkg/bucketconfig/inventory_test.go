package bucketconfig

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func validInventory() InventoryConfiguration {
	return InventoryConfiguration{ID: "r1", Enabled: true, IncludedVersions: "Current", Frequency: "Daily",
		Destination: InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "CSV"}}
}

func TestInventoryValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *InventoryConfiguration)
	}{
		{"empty id", func(c *InventoryConfiguration) { c.ID = "" }},
		{"id chars", func(c *InventoryConfiguration) { c.ID = "a b" }},
		{"long id", func(c *InventoryConfiguration) { c.ID = string(make([]byte, 65)) }},
		{"versions", func(c *InventoryConfiguration) { c.IncludedVersions = "Some" }},
		{"frequency", func(c *InventoryConfiguration) { c.Frequency = "Hourly" }},
		{"field", func(c *InventoryConfiguration) { c.OptionalFields = []string{"Size", "Colour"} }},
		{"field twice", func(c *InventoryConfiguration) { c.OptionalFields = []string{"Size", "Size"} }},
		{"not an ARN", func(c *InventoryConfiguration) { c.Destination.Bucket = "dst" }},
		{"format", func(c *InventoryConfiguration) { c.Destination.Format = "JSON" }},
		{"key without kms", func(c *InventoryConfiguration) { c.Destination.KMSKeyID = "k" }},
		{"unknown class", func(c *InventoryConfiguration) { c.StorageClasses = []string{"Standard", "Frozen"} }},
		{"class twice", func(c *InventoryConfiguration) { c.StorageClasses = []string{"IA", "IA"} }},
		{"negative size", func(c *InventoryConfiguration) { c.MinSize = -1 }},
		{"size bounds crossed", func(c *InventoryConfiguration) { c.MinSize, c.MaxSize = 10, 5 }},
		{"time bounds crossed", func(c *InventoryConfiguration) { c.ModifiedFrom, c.ModifiedTo = 200, 100 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validInventory()
			require.NoError(t, c.Validate())
			tc.edit(&c)
			_, err := Encode(&Inventory{Configurations: []InventoryConfiguration{c}})
			require.ErrorIs(t, err, ErrInvalid)
		})
	}
}

func TestInventorySet(t *testing.T) {
	var inv *Inventory
	a, b := validInventory(), validInventory()
	a.ID, b.ID = "b", "a"
	inv = inv.With(a).With(b)
	require.Equal(t, []string{"a", "b"}, []string{inv.Configurations[0].ID, inv.Configurations[1].ID})
	require.NoError(t, inv.Validate())
	b.Frequency = "Weekly"
	inv2 := inv.With(b)
	require.Equal(t, "Weekly", inv2.Find("a").Frequency)
	require.Equal(t, "Daily", inv.Find("a").Frequency, "With copies")
	inv3, ok := inv2.Without("a")
	require.True(t, ok)
	require.Nil(t, inv3.Find("a"))
	require.NotNil(t, inv3.Find("b"))
	_, ok = inv3.Without("zz")
	require.False(t, ok)
	// Unsorted or duplicate IDs are refused.
	require.ErrorIs(t, (&Inventory{Configurations: []InventoryConfiguration{a, a}}).Validate(), ErrInvalid)
	many := &Inventory{}
	for i := 0; i <= MaxInventoryConfigurations; i++ {
		c := validInventory()
		c.ID = string(rune('a'+i/26/26%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
		many.Configurations = append(many.Configurations, c)
	}
	require.ErrorIs(t, many.Validate(), ErrInvalid)
}

func TestInventorySelects(t *testing.T) {
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	for _, tc := range []struct {
		name       string
		minSize    int64
		maxSize    int64
		from, to   int64
		size       int64
		modified   int64
		classes    []string
		class      string
		wantListed bool
	}{
		{name: "no bounds", size: 5, modified: 100, wantListed: true},
		{name: "min size included", minSize: 5, size: 5, modified: 100, wantListed: true},
		{name: "below min size", minSize: 6, size: 5, modified: 100},
		{name: "max size included", maxSize: 5, size: 5, modified: 100, wantListed: true},
		{name: "above max size", maxSize: 4, size: 5, modified: 100},
		{name: "from included", from: 100, size: 5, modified: 100, wantListed: true},
		{name: "before from", from: 101, size: 5, modified: 100},
		{name: "to included", to: 100, size: 5, modified: 100, wantListed: true},
		{name: "after to", from: 1, to: 99, size: 5, modified: 100},
		{name: "class listed", classes: []string{"Standard", "IA"}, class: "IA", size: 5, modified: 100, wantListed: true},
		{name: "standard spelled by the engine", classes: []string{"Standard"}, class: "", size: 5, modified: 100, wantListed: true},
		{name: "class not listed", classes: []string{"Standard", "IA"}, class: "Archive", size: 5, modified: 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validInventory()
			c.MinSize, c.MaxSize, c.ModifiedFrom, c.ModifiedTo = tc.minSize, tc.maxSize, tc.from, tc.to
			c.StorageClasses = tc.classes
			require.NoError(t, c.Validate())
			require.Equal(t, tc.wantListed, c.Selects(tc.size, at(tc.modified), tc.class))
		})
	}
}
