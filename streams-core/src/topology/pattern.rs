//! Topic patterns for pattern sources: a small regular-expression subset matched against the whole
//! topic name, as Java's `Pattern.matcher(topic).matches()` does.
//!
//! Supported: literals, `\`-escapes, `.`, character classes `[a-z0-9_]` (no negation), the
//! quantifiers `*`, `+`, `?`, and top-level alternation `a|b`. That covers the topic patterns seen
//! in practice without taking a regex dependency.

use super::TopologyError;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Char(char),
    Any,
    Class(Vec<(char, char)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rep {
    One,
    ZeroOrMore,
    OneOrMore,
    ZeroOrOne,
}

/// A compiled topic pattern; displayed as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPattern {
    source: String,
    alternatives: Vec<Vec<(Atom, Rep)>>,
}

impl TopicPattern {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Self, TopologyError> {
        let bad = || TopologyError::InvalidPattern(pattern.to_owned());
        let mut alternatives = Vec::new();
        for alt in pattern.split('|') {
            let mut items: Vec<(Atom, Rep)> = Vec::new();
            let mut chars = alt.chars().peekable();
            while let Some(c) = chars.next() {
                let atom = match c {
                    '\\' => Atom::Char(chars.next().ok_or_else(bad)?),
                    '.' => Atom::Any,
                    '[' => {
                        let mut ranges = Vec::new();
                        loop {
                            let lo = chars.next().ok_or_else(bad)?;
                            if lo == ']' {
                                break;
                            }
                            let lo = if lo == '\\' {
                                chars.next().ok_or_else(bad)?
                            } else {
                                lo
                            };
                            if chars.peek() == Some(&'-') {
                                chars.next();
                                match chars.next().ok_or_else(bad)? {
                                    ']' => {
                                        ranges.push((lo, lo));
                                        ranges.push(('-', '-'));
                                        break;
                                    }
                                    hi => ranges.push((lo, hi)),
                                }
                            } else {
                                ranges.push((lo, lo));
                            }
                        }
                        Atom::Class(ranges)
                    }
                    '*' | '+' | '?' => {
                        let last = items.last_mut().ok_or_else(bad)?;
                        if last.1 != Rep::One {
                            return Err(bad());
                        }
                        last.1 = match c {
                            '*' => Rep::ZeroOrMore,
                            '+' => Rep::OneOrMore,
                            _ => Rep::ZeroOrOne,
                        };
                        continue;
                    }
                    '(' | ')' | '{' | '}' | '^' | '$' => return Err(bad()),
                    c => Atom::Char(c),
                };
                items.push((atom, Rep::One));
            }
            alternatives.push(items);
        }
        Ok(TopicPattern {
            source: pattern.to_owned(),
            alternatives,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole topic name matches.
    pub fn matches(&self, topic: &str) -> bool {
        let t: Vec<char> = topic.chars().collect();
        self.alternatives.iter().any(|alt| match_here(alt, &t))
    }
}

impl std::fmt::Display for TopicPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

fn atom_matches(atom: &Atom, c: char) -> bool {
    match atom {
        Atom::Char(a) => *a == c,
        Atom::Any => true,
        Atom::Class(ranges) => ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi),
    }
}

fn match_here(items: &[(Atom, Rep)], t: &[char]) -> bool {
    let Some(((atom, rep), rest)) = items.split_first() else {
        return t.is_empty();
    };
    match rep {
        Rep::One => !t.is_empty() && atom_matches(atom, t[0]) && match_here(rest, &t[1..]),
        Rep::ZeroOrOne => {
            (!t.is_empty() && atom_matches(atom, t[0]) && match_here(rest, &t[1..]))
                || match_here(rest, t)
        }
        Rep::ZeroOrMore | Rep::OneOrMore => {
            let min = usize::from(*rep == Rep::OneOrMore);
            let run = t.iter().take_while(|&&c| atom_matches(atom, c)).count();
            (min..=run).rev().any(|n| match_here(rest, &t[n..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_whole_names() {
        let p = TopicPattern::new("topic-.*").unwrap();
        assert!(p.matches("topic-a"));
        assert!(p.matches("topic-"));
        assert!(!p.matches("xtopic-a"));
        let p = TopicPattern::new("in[0-9]+|other\\.x").unwrap();
        assert!(p.matches("in42"));
        assert!(!p.matches("in"));
        assert!(p.matches("other.x"));
        assert!(!p.matches("otherXx"));
        assert!(TopicPattern::new("*a").is_err());
        assert!(TopicPattern::new("(a)").is_err());
    }
}
