package sqlselect_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/osslite/osslite/sqlselect"
)

func ExampleParse() {
	q, err := sqlselect.Parse("select s.name from s3object s where s.age>30 limit 5")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q)
	_, err = sqlselect.Parse("SELECT CAST(a AS BLOB) FROM S3Object")
	fmt.Println(err)
	// Output:
	// SELECT s.name FROM s3object AS s WHERE s.age > 30 LIMIT 5
	// sqlselect: ParseExpectedTypeName: The expected type name in the SQL expression was not found. (found BLOB) at offset 17
}

func ExampleQuery_Run() {
	data := "name,age,city\nAlice,30,Seattle\nBob,25,Portland\nCarol,41,Seattle\n"
	q, err := sqlselect.Parse("SELECT s.name, s.age FROM S3Object s WHERE s.city = 'Seattle' AND s.age > 35")
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := q.Run(context.Background(),
		sqlselect.Source{Reader: strings.NewReader(data)},
		sqlselect.Input{Format: sqlselect.FormatCSV, CSV: sqlselect.CSVInput{FileHeaderInfo: sqlselect.HeaderUse}},
		sqlselect.Output{Format: sqlselect.OutputJSON},
		os.Stdout, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.BytesScanned, st.RecordsReturned)
	// Output:
	// {"name":"Carol","age":"41"}
	// 64 1
}

func ExampleParseWith() {
	q, err := sqlselect.ParseWith("select count(*) from ossobject where _2 like 'a*' limit 2",
		sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = q.Run(context.Background(),
		sqlselect.Source{Reader: strings.NewReader("1,ab\n2,ax\n3,ay\n")},
		sqlselect.Input{}, sqlselect.Output{}, os.Stdout, nil)
	fmt.Println(err)
	// Output:
	// 2
	// <nil>
}

func ExampleQuery_OutputNames() {
	q, err := sqlselect.Parse("SELECT s.name, s.tags[0], s.age AS years, UPPER(s.city) FROM S3Object s")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.OutputNames())
	// Output:
	// [name _2 years _4]
}
