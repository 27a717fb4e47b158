//! Parsers of the numeric flags, for clap's `value_parser`.
//!
//! Each rejects what it cannot honour with a message that states the
//! accepted range, and clap prints it after the flag's name
//! (`invalid value '-1' for '--time <SECS>': ...`) with exit status 2.
//! The flags that use them also set `allow_negative_numbers` (or
//! `allow_hyphen_values`), so `--time -1` reaches the parser instead of
//! being taken for an unknown flag.

/// The largest `--time`: one day. Far beyond any audit's need, and far
/// below what `Duration` and `Instant` arithmetic can hold.
pub const MAX_SECONDS: f64 = 86_400.0;

/// The largest `--cases`: a billion random cases per type (hours of work),
/// small enough that `cases * types` cannot overflow.
pub const MAX_CASES: u64 = 1_000_000_000;

/// A whole number from 0 to `max`.
fn whole(s: &str, max: u64) -> Result<u64, String> {
    let range = format!("expected a whole number from 0 to {max}");
    match s.trim().parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(range),
    }
}

/// `--seed`: any `u64`.
pub fn seed(s: &str) -> Result<u64, String> {
    whole(s, u64::MAX)
}

/// `--cases`: 0 (exhaustive exploration only) to [`MAX_CASES`].
pub fn cases(s: &str) -> Result<u64, String> {
    whole(s, MAX_CASES)
}

/// `--time`: seconds, finite, above 0 and at most [`MAX_SECONDS`].
pub fn seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x <= MAX_SECONDS => Ok(x),
        _ => Err(format!(
            "expected a number of seconds above 0 and at most {MAX_SECONDS} (one day), \
             such as 10 or 0.5"
        )),
    }
}

/// Milliseconds (the hidden `__audit` command's budget): any `u64`.
pub fn millis(s: &str) -> Result<u64, String> {
    whole(s, u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_accepts_only_finite_positive_bounded() {
        for ok in ["10", "0.5", "1e-3", "86400"] {
            assert!(seconds(ok).is_ok(), "{ok}");
        }
        for bad in [
            "0", "-1", "-0", "nan", "NaN", "inf", "-inf", "1e400", "86401", "", "x",
        ] {
            let e = seconds(bad).unwrap_err();
            assert!(e.contains("above 0 and at most 86400"), "{bad}: {e}");
        }
    }

    #[test]
    fn whole_numbers_state_their_range() {
        assert_eq!(seed("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(cases("0"), Ok(0));
        for bad in ["-1", "1.5", "1e3", "18446744073709551616", ""] {
            assert!(seed(bad).unwrap_err().contains("from 0 to"), "{bad}");
        }
        assert!(cases("1000000001").unwrap_err().contains("1000000000"));
    }
}
