"""Document ingestion: loading files of the supported formats and cleaning web boilerplate."""
