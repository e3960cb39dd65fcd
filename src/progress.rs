//! Progress indicator for slow answers, drawn on the terminal (`/dev/tty`) so it works the
//! same in every shell (bash blanks the line during `bind -x`, so the script cannot draw it).

/// Shows a spinner after `delay_ms` until dropped; erases it completely when dropped.
pub struct Progress {}

impl Progress {
    pub fn start(delay_ms: u64) -> Progress {
        let _ = delay_ms;
        Progress {}
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Erasing the indicator happens here once drawing exists.
    }
}
