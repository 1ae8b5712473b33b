package sqlselect

func (rs *runState) runParquet(src Source) error {
	return errorf(ErrInvalidDataSource, "Parquet input is not supported yet")
}
