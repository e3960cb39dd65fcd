//! The embedding table: one unit vector per knowledge-base phrasing, int8 with a per-row
//! scale, keyed by (knowledge-base fingerprint, model sha256), memory-mapped at suggest time.
//!
//! Layout (little endian), 256-byte header then data:
//! ```text
//!   0  magic "CAROEMB\x01"       8
//!   8  format version u32        (1)
//!  12  dim u32                   (384)
//!  16  rows u32                  (number of phrasings)
//!  20  reserved u32
//!  24  sha256(kb fingerprint)    64 ASCII hex
//!  88  model sha256              64 ASCII hex
//! 152  reserved                  up to 256
//! 256  scales f32 × rows         row i ≈ scale[i] × int8 row i
//!      int8 × rows × dim
//! ```
//! int8 keeps the file 4× smaller than f32 and the error per cosine below 0.01 (a test checks
//! it), far under the gaps that decide a ranking.

use std::ops::Deref;

pub const MAGIC: &[u8; 8] = b"CAROEMB\x01";
pub const VERSION: u32 = 1;
pub const HEADER: usize = 256;

/// What a table must match to be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub kb_fingerprint_sha256: String,
    pub model_sha256: String,
    pub rows: usize,
    pub dim: usize,
}

impl Key {
    pub fn new(kb_fingerprint: &str, model_sha256: &str, rows: usize, dim: usize) -> Key {
        Key {
            kb_fingerprint_sha256: super::store::sha256_bytes(kb_fingerprint.as_bytes()),
            model_sha256: model_sha256.to_string(),
            rows,
            dim,
        }
    }
}

/// Why a table cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableError {
    /// Not a table, truncated, or an unknown format version.
    Corrupt(String),
    /// Built for another knowledge base or model.
    Stale(String),
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::Corrupt(why) | TableError::Stale(why) => f.write_str(why),
        }
    }
}

/// Serialise unit vectors (`rows × dim`, row-major) into the on-disk format.
pub fn encode(key: &Key, vectors: &[f32]) -> Vec<u8> {
    assert_eq!(
        vectors.len(),
        key.rows * key.dim,
        "vectors do not match the key"
    );
    let mut out = Vec::with_capacity(HEADER + key.rows * (4 + key.dim));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(key.dim as u32).to_le_bytes());
    out.extend_from_slice(&(key.rows as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(pad64(&key.kb_fingerprint_sha256).as_bytes());
    out.extend_from_slice(pad64(&key.model_sha256).as_bytes());
    out.resize(HEADER, 0);
    let mut quantized = Vec::with_capacity(key.rows * key.dim);
    for row in vectors.chunks(key.dim.max(1)) {
        let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        out.extend_from_slice(&scale.to_le_bytes());
        quantized.extend(
            row.iter()
                .map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8 as u8),
        );
    }
    out.extend_from_slice(&quantized);
    out
}

/// 64 bytes: the text (hex, so ASCII) cut or NUL-padded.
fn pad64(s: &str) -> String {
    let mut out: String = s.chars().filter(char::is_ascii).take(64).collect();
    while out.len() < 64 {
        out.push('\0');
    }
    out
}

/// A validated table over any byte buffer (a memory map at run time).
pub struct Table<B> {
    bytes: B,
    rows: usize,
    dim: usize,
}

impl<B: Deref<Target = [u8]>> Table<B> {
    pub fn open(bytes: B, expected: &Key) -> Result<Table<B>, TableError> {
        let b: &[u8] = &bytes;
        if b.len() < HEADER || &b[..8] != MAGIC {
            return Err(TableError::Corrupt("not a caro embedding table".into()));
        }
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().expect("4 bytes"));
        if u32_at(8) != VERSION {
            return Err(TableError::Corrupt(format!(
                "table format version {} (this caro reads {VERSION})",
                u32_at(8)
            )));
        }
        let dim = u32_at(12) as usize;
        let rows = u32_at(16) as usize;
        let text = |o: usize| {
            String::from_utf8_lossy(&b[o..o + 64])
                .trim_end_matches('\0')
                .to_string()
        };
        if text(88) != expected.model_sha256 {
            return Err(TableError::Stale("it was built with another model".into()));
        }
        if text(24) != expected.kb_fingerprint_sha256 || rows != expected.rows {
            return Err(TableError::Stale(
                "it was built for another version of the knowledge base".into(),
            ));
        }
        // The integer dot product accumulates per lane in i32: safe up to this width.
        if dim == 0 || dim > 4096 {
            return Err(TableError::Corrupt(format!(
                "it claims {dim}-dimensional vectors"
            )));
        }
        if dim != expected.dim {
            return Err(TableError::Corrupt(format!(
                "it holds {dim}-dimensional vectors, the model makes {}",
                expected.dim
            )));
        }
        if b.len() != HEADER + rows * 4 + rows * dim {
            return Err(TableError::Corrupt(format!(
                "it is {} bytes, expected {} (truncated?)",
                b.len(),
                HEADER + rows * 4 + rows * dim
            )));
        }
        Ok(Table { bytes, rows, dim })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Cosine of `query` (a unit vector) with every row, in row order.
    pub fn similarities(&self, query: &[f32]) -> Vec<f32> {
        debug_assert_eq!(query.len(), self.dim);
        let b: &[u8] = &self.bytes;
        let scales = &b[HEADER..HEADER + self.rows * 4];
        let data = &b[HEADER + self.rows * 4..];
        // The query as i16 (error ~1e-5, far below the rows' int8 error) turns every row into
        // an integer dot product, which compiles to packed multiply-adds.
        let max = query.iter().fold(0f32, |m, v| m.max(v.abs()));
        let q_scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        let q: Vec<i16> = query.iter().map(|v| (v / q_scale).round() as i16).collect();
        let mut out = Vec::with_capacity(self.rows);
        for (row, scale) in data.chunks_exact(self.dim).zip(scales.chunks_exact(4)) {
            let scale = f32::from_le_bytes(scale.try_into().expect("4 bytes"));
            out.push(dot_i16_i8(&q, row) as f32 * q_scale * scale);
        }
        out
    }
}

fn dot_i16_i8(q: &[i16], row: &[u8]) -> i32 {
    const LANES: usize = 16;
    let mut acc = [0i32; LANES];
    let mut qs = q.chunks_exact(LANES);
    let mut rs = row.chunks_exact(LANES);
    for (qc, rc) in (&mut qs).zip(&mut rs) {
        for k in 0..LANES {
            acc[k] += i32::from(qc[k]) * i32::from(rc[k] as i8);
        }
    }
    let tail: i32 = qs
        .remainder()
        .iter()
        .zip(rs.remainder())
        .map(|(&a, &b)| i32::from(a) * i32::from(b as i8))
        .sum();
    acc.iter().sum::<i32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: u64, dim: usize) -> Vec<f32> {
        // A small deterministic generator: tests must not depend on a rand crate.
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut v: Vec<f32> = (0..dim)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) as f32 / (1u64 << 31) as f32) - 0.5
            })
            .collect();
        let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        v.iter_mut().for_each(|a| *a /= n);
        v
    }

    fn dot(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn int8_cosines_stay_within_a_hundredth_of_f32() {
        let dim = 384;
        let rows: Vec<Vec<f32>> = (0..50).map(|i| unit(i, dim)).collect();
        let key = Key::new("kb-1", "abc", rows.len(), dim);
        let bytes = encode(&key, &rows.concat());
        let table = Table::open(bytes, &key).unwrap();
        let q = unit(999, dim);
        let got = table.similarities(&q);
        for (row, sim) in rows.iter().zip(&got) {
            assert!(
                (dot(row, &q) - sim).abs() < 0.01,
                "{} vs {sim}",
                dot(row, &q)
            );
        }
        let self_sim = table.similarities(&rows[7])[7];
        assert!((self_sim - 1.0).abs() < 0.01, "{self_sim}");
    }

    #[test]
    fn a_table_for_another_kb_or_model_is_stale() {
        let key = Key::new("kb-1", "abc", 2, 3);
        let bytes = encode(&key, &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
        let other_kb = Key::new("kb-2", "abc", 2, 3);
        let other_model = Key::new("kb-1", "abd", 2, 3);
        assert!(matches!(
            Table::open(bytes.clone(), &other_kb),
            Err(TableError::Stale(_))
        ));
        assert!(matches!(
            Table::open(bytes.clone(), &other_model),
            Err(TableError::Stale(_))
        ));
        assert!(Table::open(bytes, &key).is_ok());
    }

    #[test]
    fn truncated_or_foreign_bytes_are_corrupt() {
        let key = Key::new("kb", "m", 2, 3);
        let mut bytes = encode(&key, &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
        bytes.pop();
        assert!(matches!(
            Table::open(bytes, &key),
            Err(TableError::Corrupt(_))
        ));
        assert!(matches!(
            Table::open(vec![0u8; 300], &key),
            Err(TableError::Corrupt(_))
        ));
        assert!(matches!(
            Table::open(Vec::new(), &key),
            Err(TableError::Corrupt(_))
        ));
    }

    #[test]
    fn an_empty_knowledge_base_is_a_valid_empty_table() {
        let key = Key::new("empty", "m", 0, 384);
        let table = Table::open(encode(&key, &[]), &key).unwrap();
        assert!(table.similarities(&unit(1, 384)).is_empty());
    }
}
