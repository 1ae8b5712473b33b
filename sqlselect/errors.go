package sqlselect

import (
	"errors"
	"fmt"
)

// Error is every error a query reports to its client: a parse or type error
// found by Parse or before the first record, or a data or evaluation error
// found while streaming. Code and Message are the documented S3
// SelectObjectContent values; StatusCode is the documented HTTP status;
// Detail says what exactly went wrong (a token, a column, a value).
//
// Every Error is one of the sentinels below with a Detail added: compare with
// errors.Is(err, sqlselect.ErrCastFailed), which matches on Code.
type Error struct {
	Code       string
	Message    string
	StatusCode int
	// OSSCode is the code the Aliyun OSS dialect documents for the same
	// failure (e.g. SqlSyntaxError for every parse error).
	OSSCode string
	Detail  string
	// Offset is the byte offset in the SQL text the error refers to, or -1.
	Offset int
	// Err is the underlying cause (an I/O or decompression error), if any.
	Err error
}

func (e *Error) Error() string {
	s := "sqlselect: " + e.Code + ": " + e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at offset %d", e.Offset)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches any *Error with the same Code, so the sentinels work with
// errors.Is whatever detail an instance carries.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// registry holds every sentinel, in definition order.
var registry []*Error

func def(code, oss, msg string, status int) *Error {
	e := &Error{Code: code, OSSCode: oss, Message: msg, StatusCode: status, Offset: -1}
	registry = append(registry, e)
	return e
}

// Errors returns every error this package defines: the documented S3
// SelectObjectContent errors (also the request-level ones, such as
// MalformedXML, that only an HTTP layer can detect) and the OSS-only ones.
// An HTTP layer can build its error table from it.
func Errors() []*Error {
	return append([]*Error(nil), registry...)
}

// LookupError returns the sentinel with the given S3 code.
func LookupError(code string) (*Error, bool) {
	for _, e := range registry {
		if e.Code == code {
			return e, true
		}
	}
	return nil, false
}

// The documented errors (S3 "List of SELECT Object Content Error Codes"),
// with the OSS code for the same condition.
var (
	ErrAmbiguousFieldName                               = def("AmbiguousFieldName", "SqlInvalidColumnName", "The field name matches to multiple fields in the file. Check the SQL expression and the file, and try again.", 400)
	ErrCastFailed                                       = def("CastFailed", "SqlOperationAppliedToDifferentTypes", "An attempt to convert from one data type to another using CAST failed in the SQL expression.", 400)
	ErrCSVEscapingRecordDelimiter                       = def("CSVEscapingRecordDelimiter", "InvalidCsvLine", "A quoted record delimiter was found in the file. To allow quoted record delimiters, set AllowQuotedRecordDelimiter to 'TRUE'.", 400)
	ErrCSVParsingError                                  = def("CSVParsingError", "InvalidCsvLine", "An error occurred while parsing the CSV file. Check the file and try again.", 400)
	ErrCSVUnescapedQuote                                = def("CSVUnescapedQuote", "InvalidCsvLine", "An unescaped quote was found while parsing the CSV file. To allow quoted record delimiters, set AllowQuotedRecordDelimiter to 'TRUE'.", 400)
	ErrEvaluatorBindingDoesNotExist                     = def("EvaluatorBindingDoesNotExist", "SqlInvalidColumnName", "A column name or a path provided does not exist in the SQL expression.", 400)
	ErrEvaluatorInvalidArguments                        = def("EvaluatorInvalidArguments", "SqlSyntaxError", "There is an incorrect number of arguments in the function call in the SQL expression.", 400)
	ErrEvaluatorInvalidTimestampFormatPattern           = def("EvaluatorInvalidTimestampFormatPattern", "SqlNotSupportedTimestampFormat", "The timestamp format string in the SQL expression is not valid.", 400)
	ErrEvaluatorInvalidTimestampFormatPatternSymbol     = def("EvaluatorInvalidTimestampFormatPatternSymbol", "SqlNotSupportedTimestampFormat", "The timestamp format pattern contains a symbol in the SQL expression that is not valid.", 400)
	ErrEvaluatorUnterminatedTimestampFormatPatternToken = def("EvaluatorUnterminatedTimestampFormatPatternToken", "SqlNotSupportedTimestampFormat", "The timestamp format pattern contains an unterminated token in the SQL expression.", 400)
	ErrEvaluatorLikePatternInvalidEscapeSequence        = def("EvaluatorLikePatternInvalidEscapeSequence", "SqlNoCharAfterEscapeChar", "An argument given to the LIKE expression was not valid.", 400)
	ErrEvaluatorNegativeLimit                           = def("EvaluatorNegativeLimit", "SqlInvalidLimitValue", "LIMIT must not be negative.", 400)
	ErrExpressionTooLong                                = def("ExpressionTooLong", "InvalidSqlParameter", "The SQL expression is too long. The maximum byte-length for an SQL expression is 256 KB.", 400)
	ErrExternalEvalException                            = def("ExternalEvalException", "SqlInvalidSqlAfterAnalysis", "The query cannot be evaluated. Check the file and try again.", 400)
	ErrIllegalSQLFunctionArgument                       = def("IllegalSqlFunctionArgument", "SqlSyntaxError", "An illegal argument was used in the SQL function.", 400)
	ErrIncorrectSQLFunctionArgumentType                 = def("IncorrectSqlFunctionArgumentType", "SqlOperationAppliedToDifferentTypes", "An incorrect argument type was specified in a function call in the SQL expression.", 400)
	ErrIntegerOverflow                                  = def("IntegerOverflow", "InvalidArithmeticOperand", "An integer overflow or underflow occurred in the SQL expression.", 400)
	ErrInternalError                                    = def("InternalError", "InternalError", "An internal error occurred.", 500)
	ErrInvalidColumnIndex                               = def("InvalidColumnIndex", "SqlInvalidColumnIndex", "The column index in the SQL expression is not valid.", 400)
	ErrInvalidCompressionFormat                         = def("InvalidCompressionFormat", "UnsupportedCompressionFormat", "The file is not in a supported compression format. Only GZIP and BZIP2 are supported.", 400)
	ErrInvalidDataSource                                = def("InvalidDataSource", "InvalidOSSSelectParameters", "The data source type is not valid. Only CSV, JSON, and Parquet are supported.", 400)
	ErrInvalidDataType                                  = def("InvalidDataType", "SqlOperationAppliedToDifferentTypes", "The SQL expression contains a data type that is not valid.", 400)
	ErrInvalidFileHeaderInfo                            = def("InvalidFileHeaderInfo", "InvalidOSSSelectParameters", "The FileHeaderInfo value is not valid. Only NONE, USE, and IGNORE are supported.", 400)
	ErrInvalidJSONType                                  = def("InvalidJsonType", "InvalidOSSSelectParameters", "The JsonType value is not valid. Only DOCUMENT and LINES are supported.", 400)
	ErrInvalidKeyPath                                   = def("InvalidKeyPath", "SqlSyntaxError", "The key path in the SQL expression is not valid.", 400)
	ErrInvalidQuoteFields                               = def("InvalidQuoteFields", "InvalidOSSSelectParameters", "The QuoteFields value is not valid. Only ALWAYS and ASNEEDED are supported.", 400)
	ErrInvalidRequestParameter                          = def("InvalidRequestParameter", "InvalidOSSSelectParameters", "The value of a parameter in the SelectRequest element is not valid. Check the service API documentation and try again.", 400)
	ErrInvalidScanRange                                 = def("InvalidScanRange", "InvalidRange", "The provided scan range is not valid.", 400)
	ErrInvalidTableAlias                                = def("InvalidTableAlias", "SqlSyntaxError", "The SQL expression contains a table alias that is not valid.", 400)
	ErrInvalidTextEncoding                              = def("InvalidTextEncoding", "InvalidTextEncoding", "The encoding type is not valid. Only UTF-8 encoding is supported.", 400)
	ErrJSONParsingError                                 = def("JSONParsingError", "InvalidJsonData", "An error occurred while parsing the JSON file. Check the file and try again.", 400)
	ErrKeepAllColumnsWithAggregation                    = def("SqlInvalidKeepAllColumnsWithAggregation", "SqlInvalidKeepAllColumnsWithAggregation", "KeepAllColumns cannot be combined with aggregation.", 400)
	ErrKeepAllColumnsWithDuplicateColumn                = def("SqlInvalidKeepAllColumnsWithDuplicateColumn", "SqlInvalidKeepAllColumnsWithDuplicateColumn", "KeepAllColumns cannot be combined with a column selected twice.", 400)
	ErrInvalidCSVLine                                   = def("InvalidCsvLine", "InvalidCsvLine", "More records were skipped than MaxSkippedRecordsAllowed allows.", 400)
	ErrOSSExceedsMaxInCount                             = def("SqlExceedsMaxInCount", "SqlExceedsMaxInCount", "The IN list has more than 1024 values.", 400)
	ErrOSSExceedsMaxWildCardCount                       = def("SqlExceedsMaxWildCardCount", "SqlExceedsMaxWildCardCount", "The LIKE pattern has too many wildcards.", 400)
	ErrOSSInvalidEscapeChar                             = def("SqlInvalidEscapeChar", "SqlInvalidEscapeChar", "The LIKE ESCAPE character cannot be ?, % or *.", 400)
	ErrOSSOnlyOneEscapeCharIsAllowed                    = def("SqlOnlyOneEscapeCharIsAllowed", "SqlOnlyOneEscapeCharIsAllowed", "The LIKE ESCAPE value must be one character.", 400)
	ErrOSSInvalidColumnIndex                            = def("SqlInvalidColumnIndex", "SqlInvalidColumnIndex", "The column index is less than 1 or greater than 1000.", 400)
	ErrOSSValueTypeOfInMustBeSame                       = def("SqlValueTypeOfInMustBeSame", "SqlValueTypeOfInMustBeSame", "The values of an IN list must have the same type.", 400)
	ErrOSSUnsupportedProjection                         = def("SqlUnsupportedSql", "SqlUnsupportedSql", "A projection must be a column, a JSON path, an aggregate or a CAST.", 400)
	ErrLexerInvalidChar                                 = def("LexerInvalidChar", "SqlSyntaxError", "The SQL expression contains a character that is not valid.", 400)
	ErrLexerInvalidLiteral                              = def("LexerInvalidLiteral", "SqlSyntaxError", "The SQL expression contains a literal that is not valid.", 400)
	ErrLexerInvalidOperator                             = def("LexerInvalidOperator", "SqlSyntaxError", "The SQL expression contains an operator that is not valid.", 400)
	ErrLikeInvalidInputs                                = def("LikeInvalidInputs", "SqlInvalidLikeOperand", "The argument given to the LIKE clause in the SQL expression is not valid.", 400)
	ErrMissingHeaderName                                = def("MissingHeaderName", "SqlInvalidColumnName", "A quoted column name in the SQL expression does not match any header in the file.", 400)
	ErrOverMaxColumn                                    = def("OverMaxColumn", "SqlInvalidColumnIndex", "The number of columns in the result is greater than the maximum allowable number of columns.", 400)
	ErrOverMaxRecordSize                                = def("OverMaxRecordSize", "InvalidCsvLine", "The length of a record in the input or result is greater than the maxCharsPerRecord limit of 1 MB.", 400)
	ErrParquetParsingError                              = def("ParquetParsingError", "InvalidOSSSelectParameters", "An error occurred while parsing the Parquet file. Check the file and try again.", 400)
	ErrParseAsteriskIsNotAloneInSelectList              = def("ParseAsteriskIsNotAloneInSelectList", "SqlInvalidMixOfStarAndColumn", "Other expressions are not allowed in the SELECT list when * is used without dot notation in the SQL expression.", 400)
	ErrParseCastArity                                   = def("ParseCastArity", "SqlSyntaxError", "The SQL expression CAST has incorrect arity.", 400)
	ErrParseEmptySelect                                 = def("ParseEmptySelect", "SqlSyntaxError", "The SQL expression contains an empty SELECT clause.", 400)
	ErrParseExpectedArgumentDelimiter                   = def("ParseExpectedArgumentDelimiter", "SqlSyntaxError", "The expected argument delimiter in the SQL expression was not found.", 400)
	ErrParseExpectedDatePart                            = def("ParseExpectedDatePart", "SqlSyntaxError", "The expected date part in the SQL expression was not found.", 400)
	ErrParseExpectedExpression                          = def("ParseExpectedExpression", "SqlSyntaxError", "The expected SQL expression was not found.", 400)
	ErrParseExpectedIdentForAlias                       = def("ParseExpectedIdentForAlias", "SqlSyntaxError", "The expected identifier for the alias in the SQL expression was not found.", 400)
	ErrParseExpectedKeyword                             = def("ParseExpectedKeyword", "SqlSyntaxError", "The expected keyword in the SQL expression was not found.", 400)
	ErrParseExpectedLeftParenAfterCast                  = def("ParseExpectedLeftParenAfterCast", "SqlSyntaxError", "The expected left parenthesis after CAST in the SQL expression was not found.", 400)
	ErrParseExpectedLeftParenBuiltinFunctionCall        = def("ParseExpectedLeftParenBuiltinFunctionCall", "SqlSyntaxError", "The expected left parenthesis in the SQL expression was not found.", 400)
	ErrParseExpectedNumber                              = def("ParseExpectedNumber", "SqlSyntaxError", "The expected number in the SQL expression was not found.", 400)
	ErrParseExpectedRightParenBuiltinFunctionCall       = def("ParseExpectedRightParenBuiltinFunctionCall", "SqlSyntaxError", "The expected right parenthesis character in the SQL expression was not found.", 400)
	ErrParseExpectedTokenType                           = def("ParseExpectedTokenType", "SqlSyntaxError", "The expected token in the SQL expression was not found.", 400)
	ErrParseExpectedTypeName                            = def("ParseExpectedTypeName", "SqlSyntaxError", "The expected type name in the SQL expression was not found.", 400)
	ErrParseExpectedWhenClause                          = def("ParseExpectedWhenClause", "SqlSyntaxError", "The expected WHEN clause in the SQL expression was not found.", 400)
	ErrParseInvalidContextForWildcardInSelectList       = def("ParseInvalidContextForWildcardInSelectList", "WildCardNotAllowed", "The use of * in the SELECT list in the SQL expression is not valid.", 400)
	ErrParseInvalidPathComponent                        = def("ParseInvalidPathComponent", "SqlSyntaxError", "The SQL expression contains a path component that is not valid.", 400)
	ErrParseMalformedJoin                               = def("ParseMalformedJoin", "SqlSyntaxError", "JOIN is not supported in the SQL expression.", 400)
	ErrParseNonUnaryAgregateFunctionCall                = def("ParseNonUnaryAgregateFunctionCall", "SqlSyntaxError", "Only one argument is supported for aggregate functions in the SQL expression.", 400)
	ErrParseSelectMissingFrom                           = def("ParseSelectMissingFrom", "SqlSyntaxError", "The SQL expression contains a missing FROM after the SELECT list.", 400)
	ErrParseUnexpectedKeyword                           = def("ParseUnExpectedKeyword", "SqlSyntaxError", "The SQL expression contains an unexpected keyword.", 400)
	ErrParseUnexpectedOperator                          = def("ParseUnexpectedOperator", "SqlSyntaxError", "The SQL expression contains an unexpected operator.", 400)
	ErrParseUnexpectedTerm                              = def("ParseUnexpectedTerm", "SqlSyntaxError", "The SQL expression contains an unexpected term.", 400)
	ErrParseUnexpectedToken                             = def("ParseUnexpectedToken", "SqlSyntaxError", "The SQL expression contains an unexpected token.", 400)
	ErrParseUnsupportedCallWithStar                     = def("ParseUnsupportedCallWithStar", "SqlSyntaxError", "Only COUNT with (*) as a parameter is supported in the SQL expression.", 400)
	ErrParseUnsupportedSelect                           = def("ParseUnsupportedSelect", "SqlSyntaxError", "The SQL expression contains an unsupported use of SELECT.", 400)
	ErrParseUnsupportedSyntax                           = def("ParseUnsupportedSyntax", "SqlSyntaxError", "The SQL expression contains unsupported syntax.", 400)
	ErrTruncatedInput                                   = def("TruncatedInput", "DecompressFailure", "Object decompression failed. Check that the object is properly compressed using the format specified in the request.", 400)
	ErrUnsupportedFunction                              = def("UnsupportedFunction", "SqlSyntaxError", "We encountered an unsupported SQL function.", 400)
	ErrUnsupportedParquetType                           = def("UnsupportedParquetType", "InvalidOSSSelectParameters", "The specified Parquet type is not supported.", 400)
	ErrUnsupportedScanRangeInput                        = def("UnsupportedScanRangeInput", "InvalidRange", "Scan range queries are not supported on this type of object.", 400)
	ErrUnsupportedSQLOperation                          = def("UnsupportedSqlOperation", "SqlUnsupportedSql", "We encountered an unsupported SQL operation.", 400)
	ErrUnsupportedSQLStructure                          = def("UnsupportedSqlStructure", "SqlInvalidMixOfAggregationAndColumn", "We encountered an unsupported SQL structure. Check the SQL Reference.", 400)
	ErrUnsupportedSyntax                                = def("UnsupportedSyntax", "SqlSyntaxError", "We encountered syntax that is not valid.", 400)
	ErrValueParseFailure                                = def("ValueParseFailure", "SqlInvalidTimestampValue", "A timestamp parse failure occurred in the SQL expression.", 400)
)

// The remaining documented S3 errors: request-level conditions an HTTP
// layer reports, and evaluation errors of features this engine does not
// have (so never returned by Parse or Run).
var (
	ErrBusy                                                   = def("Busy", "InternalError", "The service is unavailable. Try again later.", 503)
	ErrColumnTooLong                                          = def("ColumnTooLong", "InvalidCsvLine", "The length of a column in the result is greater than maxCharsPerColumn of 1 MB.", 400)
	ErrEmptyRequestBody                                       = def("EmptyRequestBody", "InvalidSqlParameter", "The request body cannot be empty.", 400)
	ErrEvaluatorInvalidTimestampFormatPatternSymbolForParsing = def("EvaluatorInvalidTimestampFormatPatternSymbolForParsing", "SqlNotSupportedTimestampFormat", "The timestamp format pattern contains a valid format symbol that cannot be applied to timestamp parsing in the SQL expression.", 400)
	ErrEvaluatorInvalidTimestampFormatPatternToken            = def("EvaluatorInvalidTimestampFormatPatternToken", "SqlNotSupportedTimestampFormat", "The timestamp format pattern contains a token in the SQL expression that is not valid.", 400)
	ErrEvaluatorTimestampFormatPatternDuplicateFields         = def("EvaluatorTimestampFormatPatternDuplicateFields", "SqlNotSupportedTimestampFormat", "The timestamp format pattern contains multiple format specifiers representing the timestamp field in the SQL expression.", 400)
	ErrEvaluatorTimestampFormatPatternHourClockAmPmMismatch   = def("EvaluatorTimestampFormatPatternHourClockAmPmMismatch", "SqlNotSupportedTimestampFormat", "The timestamp format pattern contains a 12-hour hour of day format symbol but doesn't also contain an AM/PM field, or it contains a 24-hour hour of day format specifier and contains an AM/PM field in the SQL expression.", 400)
	ErrInvalidCast                                            = def("InvalidCast", "SqlOperationAppliedToDifferentTypes", "An attempt to convert from one data type to another using CAST failed in the SQL expression.", 400)
	ErrInvalidExpressionType                                  = def("InvalidExpressionType", "InvalidSqlParameter", "The ExpressionType value is not valid. Only SQL expressions are supported.", 400)
	ErrLexerInvalidIONLiteral                                 = def("LexerInvalidIONLiteral", "SqlSyntaxError", "The SQL expression contains an operator that is not valid.", 400)
	ErrMalformedXML                                           = def("MalformedXML", "MalformedXML", "The XML provided was not well formed or did not validate against our published schema. Check the service documentation and try again.", 400)
	ErrMaxOperatorsExceeded                                   = def("MaxOperatorsExceeded", "SqlExceedsMaxConditionCount", "Failed to parse SQL expression, try reducing complexity. For example, reduce number of operators used.", 400)
	ErrMethodNotAllowed                                       = def("MethodNotAllowed", "MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
	ErrMissingRequiredParameter                               = def("MissingRequiredParameter", "InvalidSqlParameter", "The SelectRequest entity is missing a required parameter. Check the service documentation and try again.", 400)
	ErrMultipleDataSourcesUnsupported                         = def("MultipleDataSourcesUnsupported", "InvalidOSSSelectParameters", "Multiple data sources are not supported.", 400)
	ErrNumberFormatError                                      = def("NumberFormatError", "InvalidArithmeticOperand", "An error occurred while parsing a number. This error can be caused by underflow or overflow of integers.", 400)
	ErrObjectSerializationConflict                            = def("ObjectSerializationConflict", "InvalidOSSSelectParameters", "InputSerialization specifies more than one format (CSV, JSON, or Parquet), or OutputSerialization specifies more than one format (CSV or JSON). For InputSerialization and OutputSerialization, you can specify only one format for each.", 400)
	ErrOverMaxParquetBlockSize                                = def("OverMaxParquetBlockSize", "InvalidOSSSelectParameters", "The Parquet file is above the max row group size.", 400)
	ErrParquetUnsupportedCompressionCodec                     = def("ParquetUnsupportedCompressionCodec", "InvalidOSSSelectParameters", "The specified Parquet compression codec is not supported.", 400)
	ErrParseCannotMixSqbAndWildcardInSelectList               = def("ParseCannotMixSqbAndWildcardInSelectList", "WildCardNotAllowed", "Cannot mix [] and * in the same expression in a SELECT list in the SQL expression.", 400)
	ErrParseExpected2TokenTypes                               = def("ParseExpected2TokenTypes", "SqlSyntaxError", "The expected token in the SQL expression was not found.", 400)
	ErrParseExpectedIdentForAt                                = def("ParseExpectedIdentForAt", "SqlSyntaxError", "The expected identifier for AT name in the SQL expression was not found.", 400)
	ErrParseExpectedIdentForGroupName                         = def("ParseExpectedIdentForGroupName", "SqlSyntaxError", "GROUP is not supported in the SQL expression.", 400)
	ErrParseExpectedLeftParenValueConstructor                 = def("ParseExpectedLeftParenValueConstructor", "SqlSyntaxError", "The expected left parenthesis in the SQL expression was not found.", 400)
	ErrParseExpectedMember                                    = def("ParseExpectedMember", "SqlSyntaxError", "The SQL expression contains an unsupported use of MEMBER.", 400)
	ErrParseInvalidTypeParam                                  = def("ParseInvalidTypeParam", "SqlSyntaxError", "The SQL expression contains a parameter value that is not valid.", 400)
	ErrParseMissingIdentAfterAt                               = def("ParseMissingIdentAfterAt", "SqlSyntaxError", "The expected identifier after the @ symbol in the SQL expression was not found.", 400)
	ErrParseUnknownOperator                                   = def("ParseUnknownOperator", "SqlSyntaxError", "The SQL expression contains an operator that is not valid.", 400)
	ErrParseUnsupportedAlias                                  = def("ParseUnsupportedAlias", "SqlSyntaxError", "The SQL expression contains an unsupported use of ALIAS.", 400)
	ErrParseUnsupportedCase                                   = def("ParseUnsupportedCase", "SqlSyntaxError", "The SQL expression contains an unsupported use of CASE.", 400)
	ErrParseUnsupportedCaseClause                             = def("ParseUnsupportedCaseClause", "SqlSyntaxError", "The SQL expression contains an unsupported use of CASE.", 400)
	ErrParseUnsupportedLiteralsGroupBy                        = def("ParseUnsupportedLiteralsGroupBy", "SqlSyntaxError", "The SQL expression contains an unsupported use of GROUP BY.", 400)
	ErrParseUnsupportedToken                                  = def("ParseUnsupportedToken", "SqlSyntaxError", "The SQL expression contains an unsupported token.", 400)
	ErrUnauthorizedAccess                                     = def("UnauthorizedAccess", "AccessDenied", "You are not authorized to perform this operation.", 401)
	ErrUnrecognizedFormatException                            = def("UnrecognizedFormatException", "InvalidOSSSelectParameters", "We encountered a record type that is not valid.", 400)
	ErrUnsupportedRangeHeader                                 = def("UnsupportedRangeHeader", "InvalidRange", "A range header is not supported for this operation.", 400)
	ErrUnsupportedStorageClass                                = def("UnsupportedStorageClass", "InvalidObjectState", "We encountered a storage class that is not supported. Only STANDARD, STANDARD_IA, and ONEZONE_IA storage classes are supported.", 400)
	ErrUnsupportedTypeForQuerying                             = def("UnsupportedTypeForQuerying", "SqlOperationAppliedToDifferentTypes", "Your query contains an unsupported type for comparison (e.g. verifying that a Parquet INT96 column type is greater than 0).", 400)
)

// errorf returns a copy of the sentinel with a detail message.
func errorf(sentinel *Error, format string, args ...any) *Error {
	e := *sentinel
	e.Detail = fmt.Sprintf(format, args...)
	return &e
}

// errorAt is errorf with an offset into the SQL text.
func errorAt(sentinel *Error, off int, format string, args ...any) *Error {
	e := errorf(sentinel, format, args...)
	e.Offset = off
	return e
}

// wrapErr returns a copy of the sentinel whose cause is err. An err that is
// already an *Error is returned as is.
func wrapErr(sentinel *Error, err error) error {
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	e := *sentinel
	e.Err = err
	return &e
}
