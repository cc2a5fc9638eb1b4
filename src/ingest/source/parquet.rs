//! Parquet, read with polars: each column converted once to the typed form rows read
//! from; a row's "line" is its 1-based row number.

use std::io::Cursor;
use std::path::Path;

use chrono::NaiveDate;
use polars_core::prelude::*;
use polars_io::prelude::*;

use super::{Body, Cell, FatalError, Source};

/// A Parquet file's columns, each converted once to the typed form rows read from.
pub(crate) struct ParquetTable {
    pub(super) height: usize,
    cols: Vec<PqCol>,
}

enum PqCol {
    Str(StringChunked),
    Int(Int64Chunked),
    Float(Float64Chunked),
    Bool(BooleanChunked),
    Date(Int32Chunked),
    Null,
}

const EPOCH_DAYS_CE: i32 = 719_163; // 1970-01-01 in days from 0001-01-01 (CE day 1)

impl ParquetTable {
    pub(super) fn cell(&self, col: usize, row: usize) -> Cell<'_> {
        match &self.cols[col] {
            PqCol::Str(c) => c.get(row).map_or(Cell::Missing, Cell::typed_str),
            PqCol::Int(c) => c.get(row).map_or(Cell::Missing, Cell::Int),
            PqCol::Float(c) => c.get(row).map_or(Cell::Missing, Cell::Float),
            PqCol::Bool(c) => c.get(row).map_or(Cell::Missing, Cell::Bool),
            PqCol::Date(c) => c.get(row).map_or(Cell::Missing, |d| {
                NaiveDate::from_num_days_from_ce_opt(d.saturating_add(EPOCH_DAYS_CE))
                    .map_or(Cell::Other("date out of range"), Cell::Date)
            }),
            PqCol::Null => Cell::Missing,
        }
    }
}

pub(super) fn parse_parquet<'a>(path: &Path, bytes: &'a [u8]) -> Result<Source<'a>, FatalError> {
    let bad = |e: PolarsError| FatalError::new(path, format!("not a readable Parquet file: {e}"));
    let df = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(bad)?;
    let height = df.height();
    let mut columns = Vec::new();
    let mut cols = Vec::new();
    for c in df.columns() {
        columns.push(c.name().to_string());
        let s = c.as_materialized_series().rechunk();
        let col = match s.dtype() {
            DataType::Null => PqCol::Null,
            DataType::String => PqCol::Str(s.str().map_err(bad)?.clone()),
            DataType::Boolean => PqCol::Bool(s.bool().map_err(bad)?.clone()),
            DataType::Float32 | DataType::Float64 => PqCol::Float(
                s.cast(&DataType::Float64)
                    .map_err(bad)?
                    .f64()
                    .map_err(bad)?
                    .clone(),
            ),
            DataType::Date => PqCol::Date(s.date().map_err(bad)?.physical().clone()),
            dt if dt.is_integer() => PqCol::Int(
                s.strict_cast(&DataType::Int64)
                    .map_err(bad)?
                    .i64()
                    .map_err(bad)?
                    .clone(),
            ),
            dt => {
                return Err(FatalError::new(
                    path,
                    format!(
                        "column `{}` has type {dt}, which no column of the data contract takes",
                        c.name()
                    ),
                ));
            }
        };
        cols.push(col);
    }
    Ok(Source {
        columns,
        body: Body::Parquet(ParquetTable { height, cols }),
    })
}
