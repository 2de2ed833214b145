//! The client side of `sasl.jaas.config`: one login module line with a username and password.
//!
//! The text is `<login module class> <flag> <option>=<value> ... ;` where values are bare
//! tokens or double-quoted strings with backslash escapes (Java's `JaasConfig` tokenizer). A
//! client configuration holds exactly one module, as Java requires.

use crate::sasl::Credentials;

use super::ConfigError;

const KEY: &str = "sasl.jaas.config";
/// The login modules whose username and password options this client can use; Java's PLAIN and
/// SCRAM client callbacks read the same two options from either.
const PLAIN_MODULE: &str = "org.apache.kafka.common.security.plain.PlainLoginModule";
const SCRAM_MODULE: &str = "org.apache.kafka.common.security.scram.ScramLoginModule";

/// Reads the username and password from a `sasl.jaas.config` value.
///
/// ```
/// use kafka_client::config::parse_jaas_config;
///
/// let creds = parse_jaas_config(
///     r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3\"cret";"#,
/// ).unwrap();
/// assert_eq!(creds.username, "alice");
/// assert_eq!(creds.password, "s3\"cret");
/// ```
pub fn parse_jaas_config(text: &str) -> Result<Credentials, ConfigError> {
    let tokens = tokenize(text)?;
    let mut it = tokens.into_iter().peekable();
    let Some(Token::Word(module)) = it.next() else {
        return Err(ConfigError::invalid_secret(
            KEY,
            "a login module class name first",
        ));
    };
    if module != PLAIN_MODULE && module != SCRAM_MODULE {
        return Err(ConfigError::invalid_secret(
            KEY,
            format!("login module {PLAIN_MODULE} or {SCRAM_MODULE}, got {module}"),
        ));
    }
    match it.next() {
        Some(Token::Word(flag))
            if ["required", "requisite", "sufficient", "optional"]
                .iter()
                .any(|f| flag.eq_ignore_ascii_case(f)) => {}
        _ => {
            return Err(ConfigError::invalid_secret(
                KEY,
                "a control flag (required, requisite, sufficient or optional) after the module",
            ));
        }
    }
    let (mut username, mut password) = (None, None);
    loop {
        match it.next() {
            Some(Token::Semicolon) => break,
            Some(Token::Word(name)) => {
                if it.next() != Some(Token::Equals) {
                    return Err(ConfigError::invalid_secret(
                        KEY,
                        format!("'=' after option {name}"),
                    ));
                }
                let value = match it.next() {
                    Some(Token::Word(v)) | Some(Token::Quoted(v)) => v,
                    _ => {
                        return Err(ConfigError::invalid_secret(
                            KEY,
                            format!("a value for option {name}"),
                        ));
                    }
                };
                match name.as_str() {
                    "username" => username = Some(value),
                    "password" => password = Some(value),
                    // Delegation-token login changes what the credentials mean; refuse it
                    // rather than authenticate as a user of the token's id.
                    "tokenauth" if value.eq_ignore_ascii_case("true") => {
                        return Err(ConfigError::invalid_secret(
                            KEY,
                            "no tokenauth=true (delegation-token authentication is not supported)",
                        ));
                    }
                    // Other options are accepted and, as in Java's login modules, not used.
                    _ => {}
                }
            }
            _ => return Err(ConfigError::invalid_secret(KEY, "options ending with ';'")),
        }
    }
    if it.next().is_some() {
        return Err(ConfigError::invalid_secret(
            KEY,
            "exactly one login module (client configurations hold one)",
        ));
    }
    match (username, password) {
        (Some(username), Some(password)) => Ok(Credentials { username, password }),
        _ => Err(ConfigError::invalid_secret(
            KEY,
            "username and password options",
        )),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Equals,
    Semicolon,
}

fn tokenize(text: &str) -> Result<Vec<Token>, ConfigError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '=' => {
                chars.next();
                tokens.push(Token::Equals);
            }
            ';' => {
                chars.next();
                tokens.push(Token::Semicolon);
            }
            '"' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped) => value.push(escaped),
                            None => return Err(ConfigError::invalid_secret(KEY, "a closing '\"'")),
                        },
                        Some(c) => value.push(c),
                        None => return Err(ConfigError::invalid_secret(KEY, "a closing '\"'")),
                    }
                }
                tokens.push(Token::Quoted(value));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '=' || c == ';' || c == '"' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_module_line() {
        let c = parse_jaas_config(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\";",
        )
        .unwrap();
        assert_eq!(c, Credentials::new("admin", "admin-secret"));
    }

    #[test]
    fn bare_values_extra_options_and_blank_lines() {
        let c = parse_jaas_config(
            "\n  org.apache.kafka.common.security.scram.ScramLoginModule REQUIRED\n username=bob\n password = \"p;w=d\" tokenauth=\"false\" debug=true ;  ",
        )
        .unwrap();
        assert_eq!(c, Credentials::new("bob", "p;w=d"));
    }

    #[test]
    fn delegation_tokens_are_refused() {
        let err = parse_jaas_config(
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"id\" password=\"hmac\" tokenauth=\"TRUE\";",
        )
        .unwrap_err();
        assert!(err.to_string().contains("tokenauth"), "{err}");
    }

    #[test]
    fn rejected_lines_never_echo_the_secret() {
        let bad = [
            "",
            "com.example.OtherModule required username=\"a\" password=\"topsecret\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule username=\"a\" password=\"topsecret\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"topsecret\"",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"topsecret\" username;",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"topsecret",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"topsecret\"; org.apache.kafka.common.security.plain.PlainLoginModule required;",
        ];
        for line in bad {
            let err = parse_jaas_config(line).unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("sasl.jaas.config") && !text.contains("topsecret"),
                "{line}: {text}"
            );
        }
    }
}
