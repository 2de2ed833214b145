//! Parsing of property values with the Java `ConfigDef` rules: numbers and booleans are trimmed,
//! booleans are case-insensitive, lists split on commas with surrounding whitespace.

use std::time::Duration;

use super::ConfigError;

pub(crate) const INT_MAX: i64 = i32::MAX as i64;

pub(crate) fn boolean(key: &str, value: &str) -> Result<bool, ConfigError> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ConfigError::invalid(key, value, "true or false"))
    }
}

/// A Java INT or LONG (`max` = `INT_MAX` or `i64::MAX`) within `[min, max]`.
pub(crate) fn integer(key: &str, value: &str, min: i64, max: i64) -> Result<i64, ConfigError> {
    let expected = || range_text(min, max);
    let parsed: i64 = value
        .trim()
        .parse()
        .map_err(|_| ConfigError::invalid(key, value, expected()))?;
    if parsed < min || parsed > max {
        return Err(ConfigError::invalid(key, value, expected()));
    }
    Ok(parsed)
}

pub(crate) fn range_text(min: i64, max: i64) -> String {
    match (min, max) {
        (i64::MIN, INT_MAX) => "an integer (32-bit)".to_owned(),
        (i64::MIN, i64::MAX) => "an integer (64-bit)".to_owned(),
        (min, INT_MAX) => format!("an integer in [{min}, {INT_MAX}]"),
        (min, i64::MAX) => format!("an integer of at least {min}"),
        (min, max) => format!("an integer in [{min}, {max}]"),
    }
}

/// Milliseconds within `[min, max]` as a `Duration`.
pub(crate) fn millis(key: &str, value: &str, min: i64, max: i64) -> Result<Duration, ConfigError> {
    let ms = integer(key, value, min.max(0), max)?;
    Ok(Duration::from_millis(ms as u64))
}

/// A typed `Duration` checked against the range of the Java key (milliseconds).
pub(crate) fn check_millis(
    key: &str,
    d: Duration,
    min: i64,
    max: i64,
) -> Result<Duration, ConfigError> {
    let ms = d.as_millis();
    if ms > max as u128 || (ms as i64) < min {
        return Err(ConfigError::invalid(
            key,
            &format!("{ms}"),
            format!("milliseconds: {}", range_text(min, max)),
        ));
    }
    Ok(d)
}

/// A typed integer checked against the range of the Java key.
pub(crate) fn check_int(key: &str, v: i64, min: i64, max: i64) -> Result<i64, ConfigError> {
    if v < min || v > max {
        return Err(ConfigError::invalid(
            key,
            &v.to_string(),
            range_text(min, max),
        ));
    }
    Ok(v)
}

pub(crate) fn millis_of(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Java LIST: empty (after trimming) is the empty list, otherwise comma-separated, trimmed items.
pub(crate) fn list(value: &str) -> Vec<String> {
    let v = value.trim();
    if v.is_empty() {
        return Vec::new();
    }
    v.split(',').map(|s| s.trim().to_owned()).collect()
}

/// One of `accepted` exactly (Java `ValidString`) or ignoring ASCII case
/// (`CaseInsensitiveValidString`), after trimming.
pub(crate) fn one_of<T: Copy>(
    key: &str,
    value: &str,
    accepted: &[(&str, T)],
    case_insensitive: bool,
) -> Result<T, ConfigError> {
    let v = value.trim();
    accepted
        .iter()
        .find(|(name, _)| {
            if case_insensitive {
                name.eq_ignore_ascii_case(v)
            } else {
                *name == v
            }
        })
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let names: Vec<&str> = accepted.iter().map(|(n, _)| *n).collect();
            let case = if case_insensitive {
                " (case-insensitive)"
            } else {
                ""
            };
            ConfigError::invalid(key, value, format!("one of {}{case}", names.join(", ")))
        })
}

/// Java `NonEmptyString`: trimmed, and empty is rejected.
pub(crate) fn non_empty(key: &str, value: &str) -> Result<String, ConfigError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ConfigError::invalid(key, value, "a non-empty string"));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_number_and_boolean_rules() {
        assert_eq!(integer("k", " 7 ", 0, INT_MAX), Ok(7));
        assert_eq!(integer("k", "+7", 0, INT_MAX), Ok(7));
        assert!(integer("k", "99999999999", 0, INT_MAX).is_err());
        assert!(integer("k", "-1", 0, INT_MAX).is_err());
        assert!(integer("k", "1.5", 0, INT_MAX).is_err());
        assert_eq!(boolean("k", " TRUE "), Ok(true));
        assert_eq!(boolean("k", "False"), Ok(false));
        assert!(boolean("k", "yes").is_err());
        assert_eq!(list(" a , b,c "), vec!["a", "b", "c"]);
        assert!(list("  ").is_empty());
    }

    #[test]
    fn errors_name_key_value_and_range() {
        let err = integer("linger.ms", "-1", 0, i64::MAX).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value \"-1\" for configuration linger.ms: expected an integer of at least 0"
        );
    }
}
