package wildcard_test

import (
	"fmt"

	"github.com/osslite/osslite/pkg/wildcard"
)

func ExampleMatchString() {
	fmt.Println(wildcard.MatchString("https://*.example.com/?", "https://cdn.example.com/a", wildcard.Byte))
	fmt.Println(wildcard.MatchString("photos/?.jpg", "photos/é.jpg", wildcard.Byte))
	fmt.Println(wildcard.MatchString("photos/?.jpg", "photos/é.jpg", wildcard.Character))
	// Output:
	// true
	// false
	// true
}

func ExampleMatch() {
	// A pattern whose '*' is a literal: build the tokens.
	p := append(wildcard.Compile("report-"), wildcard.Token{B: '*'}, wildcard.Token{Kind: wildcard.Star})
	fmt.Println(wildcard.Match(p, "report-*2024", wildcard.Character))
	fmt.Println(wildcard.Match(p, "report-2024", wildcard.Character))
	// Output:
	// true
	// false
}
