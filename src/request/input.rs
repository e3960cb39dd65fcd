//! Validation of the raw request before anything else looks at it.
//!
//! The request is data, never code: nothing here (or anywhere in caro) passes it to a shell.
//! Validation only rejects input no engine can use and says why.

use std::fmt;

/// Requests longer than this are refused: nobody types 16 KiB at a prompt, and bounding the
/// size bounds the work every engine does.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Empty,
    TooLong { bytes: usize },
    InvalidUtf8 { offset: usize },
    Nul { offset: usize },
    Control { offset: usize, byte: u8 },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Empty => write!(f, "the request is empty: type what you want to do, e.g. `caro suggest list files by size`"),
            InputError::TooLong { bytes } => write!(
                f,
                "the request is {bytes} bytes; the limit is {MAX_REQUEST_BYTES} bytes: describe the task in a sentence or two"
            ),
            InputError::InvalidUtf8 { offset } => {
                write!(f, "the request is not valid UTF-8 (first bad byte at offset {offset})")
            }
            InputError::Nul { offset } => {
                write!(f, "the request contains a NUL byte at offset {offset}")
            }
            InputError::Control { offset, byte } => write!(
                f,
                "the request contains control character 0x{byte:02x} at offset {offset}"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Validate raw request bytes. Tabs and newlines are allowed (multi-line buffers); they are
/// treated as spaces by the engines. A trailing CR (pasted from Windows) is allowed too.
pub fn validate_input(bytes: &[u8]) -> Result<String, InputError> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(InputError::TooLong { bytes: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            0 => return Err(InputError::Nul { offset }),
            b'\t' | b'\n' | b'\r' => {}
            0x01..=0x1f | 0x7f => return Err(InputError::Control { offset, byte }),
            _ => {}
        }
    }
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_multiline_text() {
        assert_eq!(validate_input(b"list files").unwrap(), "list files");
        assert!(validate_input(b"find pdfs\nover 10mb\r\n").is_ok());
        assert!(validate_input("grüße \u{1F600} $(rm -rf ~) `x` ; \" '".as_bytes()).is_ok());
    }

    #[test]
    fn rejects_bad_input_with_positions() {
        assert_eq!(validate_input(b""), Err(InputError::Empty));
        assert_eq!(validate_input(b" \t\n "), Err(InputError::Empty));
        assert_eq!(validate_input(b"ab\0c"), Err(InputError::Nul { offset: 2 }));
        assert_eq!(
            validate_input(b"a\x1bb"),
            Err(InputError::Control {
                offset: 1,
                byte: 0x1b
            })
        );
        assert_eq!(
            validate_input(b"ok\xffno"),
            Err(InputError::InvalidUtf8 { offset: 2 })
        );
        let long = vec![b'a'; MAX_REQUEST_BYTES + 1];
        assert!(matches!(
            validate_input(&long),
            Err(InputError::TooLong { .. })
        ));
    }
}
