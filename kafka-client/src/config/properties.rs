//! Reading Java `.properties` text (the `java.util.Properties.load` format).
//!
//! Lines starting (after blanks) with `#` or `!` are comments; a key ends at the first
//! unescaped `=`, `:` or blank, and blanks around the separator are skipped; a line ending in an
//! odd number of backslashes continues on the next line, whose leading blanks are dropped;
//! `\t`, `\n`, `\r`, `\f` and `\uXXXX` are escapes, and any other escaped character stands for
//! itself. A later duplicate key replaces the earlier one when the pairs are applied.

use super::ConfigError;

/// Parses `.properties` text into `(key, value)` pairs, in file order.
///
/// ```
/// use kafka_client::config::parse_properties;
///
/// let text = "# producer\nbootstrap.servers = localhost:9092\nlinger.ms: 10\nclient.id my\\\n  -app\n";
/// let pairs = parse_properties(text).unwrap();
/// assert_eq!(pairs, vec![
///     ("bootstrap.servers".to_owned(), "localhost:9092".to_owned()),
///     ("linger.ms".to_owned(), "10".to_owned()),
///     ("client.id".to_owned(), "my-app".to_owned()),
/// ]);
/// ```
pub fn parse_properties(text: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let mut out = Vec::new();
    let mut lines = text.split('\n').enumerate().peekable();
    while let Some((index, raw)) = lines.next() {
        let line_no = index + 1;
        let first = raw
            .strip_suffix('\r')
            .unwrap_or(raw)
            .trim_start_matches([' ', '\t', '\x0c']);
        if first.is_empty() || first.starts_with('#') || first.starts_with('!') {
            continue;
        }
        // Join continuation lines into one logical line.
        let mut logical = String::from(first);
        while ends_with_odd_backslashes(&logical) {
            logical.pop();
            match lines.next() {
                Some((_, next)) => {
                    let next = next.strip_suffix('\r').unwrap_or(next);
                    logical.push_str(next.trim_start_matches([' ', '\t', '\x0c']));
                }
                None => break,
            }
        }
        let (key, value) = split_key_value(&logical);
        out.push((unescape(key, line_no)?, unescape(value, line_no)?));
    }
    Ok(out)
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

fn split_key_value(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut key_end = bytes.len();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => {
                key_end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let key = &line[..key_end.min(line.len())];
    let mut rest = line.get(key_end..).unwrap_or("");
    rest = rest.trim_start_matches([' ', '\t', '\x0c']);
    if let Some(r) = rest.strip_prefix(['=', ':']) {
        rest = r.trim_start_matches([' ', '\t', '\x0c']);
    }
    (key, rest)
}

fn unescape(s: &str, line: usize) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let unit = (hex.len() == 4)
                    .then(|| u16::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .ok_or_else(|| ConfigError::MalformedProperties {
                        line,
                        reason: format!("malformed \\uxxxx escape \\u{hex}"),
                    })?;
                // Surrogate pairs arrive as two escapes; join them.
                if (0xD800..0xDC00).contains(&unit) {
                    let rest = chars.as_str();
                    let low = rest
                        .strip_prefix("\\u")
                        .and_then(|r| r.get(..4))
                        .and_then(|h| u16::from_str_radix(h, 16).ok())
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    if let Some(low) = low {
                        chars = rest[6..].chars();
                        out.extend(
                            char::decode_utf16([unit, low]).map(|r| r.unwrap_or('\u{fffd}')),
                        );
                        continue;
                    }
                }
                out.push(char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse_properties(text).unwrap()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn separators_comments_and_blanks() {
        let text = "! bang comment\n  # hash comment\n\na=1\nb : 2\nc 3\nd\ne=\n  f  =  x y  \r\n";
        assert_eq!(
            pairs(text),
            vec![
                p("a", "1"),
                p("b", "2"),
                p("c", "3"),
                p("d", ""),
                p("e", ""),
                p("f", "x y  ")
            ]
        );
    }

    #[test]
    fn escapes_and_continuations() {
        let text = "key\\=with\\:seps = v\\tal\\u00e9\nlong = a,\\\n     b,\\\n     c\nodd=ends\\\\\nnext=1\n";
        assert_eq!(
            pairs(text),
            vec![
                p("key=with:seps", "v\tal\u{e9}"),
                p("long", "a,b,c"),
                p("odd", "ends\\"),
                p("next", "1")
            ]
        );
        assert_eq!(pairs("e=\\ud83d\\ude00"), vec![p("e", "\u{1F600}")]);
    }

    #[test]
    fn jaas_line_survives() {
        let text = "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username=\"alice\" password=\"a=b\";\n";
        assert_eq!(
            pairs(text),
            vec![p(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"a=b\";"
            )]
        );
    }

    #[test]
    fn malformed_unicode_escape_is_an_error() {
        let err = parse_properties("ok=1\nbad=\\u12").unwrap_err();
        assert!(
            matches!(err, ConfigError::MalformedProperties { line: 2, .. }),
            "{err:?}"
        );
    }
}
