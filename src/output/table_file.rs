//! Small whole-table Parquet files written in one piece (the PSA table, the tornado, the
//! decision-analysis tables): zstd-compressed, the table's schema version under
//! [`SCHEMA_KEY`] in the file's key-value metadata, written atomically.

use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::Path;

/// The Parquet key-value metadata key that holds a table's schema version
/// (`sarcosim-NAME/N`).
pub const SCHEMA_KEY: &str = "sarcosim.schema";

/// `df` as Parquet bytes with `schema` and `metadata` in its key-value metadata.
pub fn parquet_bytes(
    df: &mut DataFrame,
    schema: &str,
    metadata: &[(String, String)],
) -> Result<Vec<u8>> {
    let mut kv = vec![(SCHEMA_KEY.to_string(), schema.to_string())];
    kv.extend_from_slice(metadata);
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(kv)))
        .finish(df)?;
    Ok(bytes)
}

/// Writes `df` to `path` (temp file + rename) as [`parquet_bytes`] gives it.
pub fn write_parquet(
    path: &Path,
    df: &mut DataFrame,
    schema: &str,
    metadata: &[(String, String)],
) -> Result<()> {
    let bytes = parquet_bytes(df, schema, metadata).map_err(|e| match e {
        Error::Polars(p) => Error::writing(path, p),
        other => other,
    })?;
    super::write_atomic(path, &bytes)
}

/// The schema version recorded in a Parquet file's metadata, if any.
pub fn schema_of(path: &Path) -> Result<Option<String>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = ParquetReader::new(file);
    let meta = reader.get_metadata()?;
    Ok(meta
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| kv.iter().find(|kv| kv.key == SCHEMA_KEY))
        .and_then(|kv| kv.value.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_version_travels_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let mut df = DataFrame::new(2, vec![Column::new("x".into(), [1.0, 2.0])]).unwrap();
        let extra = [("sarcosim.run".to_string(), "r1".to_string())];
        write_parquet(&path, &mut df, "sarcosim-test/3", &extra).unwrap();
        assert_eq!(
            schema_of(&path).unwrap().as_deref(),
            Some("sarcosim-test/3")
        );
        let back = ParquetReader::new(std::fs::File::open(&path).unwrap())
            .finish()
            .unwrap();
        assert!(back.equals(&df));
        let bare = dir.path().join("bare.parquet");
        ParquetWriter::new(std::fs::File::create(&bare).unwrap())
            .finish(&mut df)
            .unwrap();
        assert_eq!(schema_of(&bare).unwrap(), None);
    }
}
