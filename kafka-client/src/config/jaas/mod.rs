//! The client side of `sasl.jaas.config`: one login module line with a username and password.
//!
//! The text is `<login module class> <flag> <option>=<value> ... ;`. It is read the way Java's
//! `JaasConfig` reads it, through a `java.io.StreamTokenizer` (emulated in [`tokens`]): bare words
//! of letters, digits, `.`, `-`, `_` and `$`; values in double or single quotes with the
//! tokenizer's escapes (`\n`, `\t`, octal, `\\`, `\"`...); `//`, `/* */` and lone `/` comments.
//! A client configuration holds exactly one module, as Java's `JaasContext` requires.

mod tokens;

use crate::sasl::Credentials;

use super::ConfigError;
use tokens::{Token, tokenize};

const KEY: &str = "sasl.jaas.config";
/// The login modules whose username and password options this client can use; Java's PLAIN and
/// SCRAM client callbacks read the same two options from either.
const PLAIN_MODULE: &str = "org.apache.kafka.common.security.plain.PlainLoginModule";
const SCRAM_MODULE: &str = "org.apache.kafka.common.security.scram.ScramLoginModule";

/// One login module entry as Java's `JaasConfig` parses it.
struct Entry {
    module: String,
    /// Options in order; a key that was not a word or string is `None` (Java keeps it too).
    options: Vec<(Option<String>, String)>,
}

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
    let mut entries = parse_entries(text)?;
    if entries.len() != 1 {
        return Err(ConfigError::invalid_secret(
            KEY,
            format!("exactly one login module, got {}", entries.len()),
        ));
    }
    let Entry { module, options } = entries.remove(0);
    if module != PLAIN_MODULE && module != SCRAM_MODULE {
        return Err(ConfigError::invalid_secret(
            KEY,
            format!("login module {PLAIN_MODULE} or {SCRAM_MODULE}, got {module}"),
        ));
    }
    // Java keeps options in a map: a repeated option takes its last value.
    let option = |name: &str| {
        options
            .iter()
            .rev()
            .find(|(k, _)| k.as_deref() == Some(name))
            .map(|(_, v)| v.clone())
    };
    // Delegation-token login changes what the credentials mean; refuse it rather than
    // authenticate as a user named after the token id.
    if option("tokenauth").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(ConfigError::invalid_secret(
            KEY,
            "no tokenauth=true (delegation-token authentication is not supported)",
        ));
    }
    match (option("username"), option("password")) {
        (Some(username), Some(password)) => Ok(Credentials { username, password }),
        _ => Err(ConfigError::invalid_secret(
            KEY,
            "username and password options",
        )),
    }
}

/// Java's `JaasConfig` constructor and `parseAppConfigurationEntry`, over the tokens.
fn parse_entries(text: &str) -> Result<Vec<Entry>, ConfigError> {
    let tokens = tokenize(text);
    let mut it = tokens.into_iter();
    let mut entries = Vec::new();
    while let Some(first) = it.next() {
        let Some(module) = first.text() else {
            return Err(ConfigError::invalid_secret(
                KEY,
                "a login module class name",
            ));
        };
        let flag = it.next().and_then(|t| t.text());
        let known = ["required", "requisite", "sufficient", "optional"];
        if !flag
            .as_deref()
            .is_some_and(|f| known.iter().any(|k| f.eq_ignore_ascii_case(k)))
        {
            return Err(ConfigError::invalid_secret(
                KEY,
                "a control flag (required, requisite, sufficient or optional) after the module",
            ));
        }
        let mut options = Vec::new();
        loop {
            let key = match it.next() {
                None => {
                    return Err(ConfigError::invalid_secret(KEY, "entries ending with ';'"));
                }
                Some(Token::Ordinary(';')) => break,
                Some(token) => token.text(),
            };
            let value = match (it.next(), it.next()) {
                (Some(Token::Ordinary('=')), Some(value)) => value.text(),
                _ => None,
            };
            let Some(value) = value else {
                return Err(ConfigError::invalid_secret(
                    KEY,
                    format!(
                        "a value for option {}",
                        key.as_deref().unwrap_or("(not a word)")
                    ),
                ));
            };
            options.push((key, value));
        }
        entries.push(Entry { module, options });
    }
    if entries.is_empty() {
        return Err(ConfigError::invalid_secret(KEY, "a login module"));
    }
    Ok(entries)
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
