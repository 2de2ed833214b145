//! An emulation of `java.io.StreamTokenizer` as Java's `JaasConfig` sets it up: default syntax
//! (number parsing on, `/` a comment character, `"` and `'` quotes, blanks up to U+0020) plus
//! `//` and `/* */` comments and `-`, `_`, `$` as word characters. Only what `JaasConfig` can
//! observe is kept: a token's text (`sval`) and which ordinary character it was.

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    /// A word (`TT_WORD`).
    Word(String),
    /// A quoted string, quotes removed and escapes applied.
    Quoted(String),
    /// A number (`TT_NUMBER`), whose `sval` is null in Java.
    Number,
    /// Any other character, returned as itself (`=`, `;`, `@`, ...).
    Ordinary(char),
}

impl Token {
    /// Java's `sval` after this token: the text of words and quoted strings, else null.
    pub(super) fn text(self) -> Option<String> {
        match self {
            Token::Word(s) | Token::Quoted(s) => Some(s),
            Token::Number | Token::Ordinary(_) => None,
        }
    }
}

fn is_whitespace(c: char) -> bool {
    c <= ' '
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == '-'
}

fn is_alpha(c: char) -> bool {
    c.is_ascii_alphabetic()
        || ('\u{a0}'..='\u{ff}').contains(&c)
        || c > '\u{ff}'
        || c == '-'
        || c == '_'
        || c == '$'
}

/// Splits `text` into tokens.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while let Some(c) = at(i) {
        if is_whitespace(c) {
            i += 1;
        } else if is_digit(c) {
            // '-' not followed by a digit or '.' is an ordinary character.
            if c == '-' && !at(i + 1).is_some_and(|n| n.is_ascii_digit() || n == '.') {
                tokens.push(Token::Ordinary('-'));
                i += 1;
                continue;
            }
            if c == '-' {
                i += 1;
            }
            let mut seen_dot = false;
            while let Some(d) = at(i) {
                if d == '.' && !seen_dot {
                    seen_dot = true;
                } else if !d.is_ascii_digit() {
                    break;
                }
                i += 1;
            }
            tokens.push(Token::Number);
        } else if is_alpha(c) {
            let start = i;
            while at(i).is_some_and(|d| is_alpha(d) || is_digit(d)) {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
        } else if c == '"' || c == '\'' {
            let (value, next) = quoted(&chars, i + 1, c);
            tokens.push(Token::Quoted(value));
            i = next;
        } else if c == '/' {
            i = skip_comment(&chars, i + 1);
        } else {
            tokens.push(Token::Ordinary(c));
            i += 1;
        }
    }
    tokens
}

/// Reads a quoted string starting after the quote; returns it and the index after it. The string
/// also ends, without error, at a line break or the end of the text, as in Java.
fn quoted(chars: &[char], mut i: usize, quote: char) -> (String, usize) {
    let mut out = String::new();
    while let Some(&d) = chars.get(i) {
        if d == quote {
            return (out, i + 1);
        }
        if d == '\n' || d == '\r' {
            return (out, i);
        }
        if d != '\\' {
            out.push(d);
            i += 1;
            continue;
        }
        let Some(&e) = chars.get(i + 1) else {
            // A trailing backslash: Java appends (char) -1.
            out.push('\u{ffff}');
            return (out, i + 1);
        };
        i += 2;
        match e {
            '0'..='7' => {
                let mut value = e as u32 - '0' as u32;
                if let Some(&d2 @ '0'..='7') = chars.get(i) {
                    value = (value << 3) + (d2 as u32 - '0' as u32);
                    i += 1;
                    if let Some(&d3 @ '0'..='7') = chars.get(i)
                        && e <= '3'
                    {
                        value = (value << 3) + (d3 as u32 - '0' as u32);
                        i += 1;
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            other => out.push(other),
        }
    }
    (out, i)
}

/// Skips a comment that began with `/` (at `i - 1`); returns the index after it.
fn skip_comment(chars: &[char], i: usize) -> usize {
    if chars.get(i) == Some(&'*') {
        // Block comment up to "*/" or the end of the text.
        let mut j = i + 1;
        while j < chars.len() {
            if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                return j + 2;
            }
            j += 1;
        }
        return chars.len();
    }
    // "//" or a lone "/": both comment out the rest of the line.
    let mut j = i;
    while j < chars.len() && chars[j] != '\n' && chars[j] != '\r' {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Token> {
        tokenize(text)
    }

    #[test]
    fn words_numbers_and_ordinary_characters() {
        use Token::*;
        assert_eq!(
            words("a.b-c_$ 12.5 -x = ; @"),
            vec![
                Word("a.b-c_$".into()),
                Number,
                Ordinary('-'),
                Word("x".into()),
                Ordinary('='),
                Ordinary(';'),
                Ordinary('@')
            ]
        );
    }

    #[test]
    fn quotes_escapes_and_comments() {
        use Token::*;
        assert_eq!(
            words(r#"'it''s' "a\"b\\c\n\101\7x" // rest"#),
            vec![
                Quoted("it".into()),
                Quoted("s".into()),
                Quoted("a\"b\\c\nA\u{7}x".into())
            ]
        );
        assert_eq!(
            words("a /* b */ c / d\ne"),
            vec![Word("a".into()), Word("c".into()), Word("e".into())]
        );
        assert_eq!(
            words("\"open\nnext"),
            vec![Quoted("open".into()), Word("next".into())]
        );
    }
}
