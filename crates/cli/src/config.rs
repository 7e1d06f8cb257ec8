//! Layered configuration: defaults (in the role's `Config` type) → the TOML file → `MYDATA_*` environment
//! overrides, with `__` separating nesting levels (`MYDATA_STORE__URL` sets `store.url`).
//!
//! Every failure names the file, the key and the reason. Unknown keys are errors (role configs deny them),
//! including keys introduced through the environment, so a typo in an override cannot silently do nothing.
//! The environment is passed in as a map, so tests never touch the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// Environment variables with the `MYDATA_` prefix that are not configuration overrides.
pub const RESERVED_ENV: &[&str] = &["MYDATA_MASTER_KEY", "MYDATA_LOG", "MYDATA_LOG_FORMAT"];

/// Why a configuration could not be loaded.
#[derive(Debug)]
pub struct ConfigError {
    /// The file being loaded.
    pub file: PathBuf,
    /// The key, dotted (`store.url`), when the problem is about one key.
    pub key: Option<String>,
    /// What was wrong.
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(k) => write!(f, "config {}: key `{k}`: {}", self.file.display(), self.reason),
            None => write!(f, "config {}: {}", self.file.display(), self.reason),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Loads `file` as `T`, applying the `MYDATA_*` overrides found in `env`.
pub fn load<T: DeserializeOwned>(file: &Path, env: &BTreeMap<String, String>) -> Result<T, ConfigError> {
    let err = |key: Option<String>, reason: String| ConfigError { file: file.to_owned(), key, reason };
    let text = std::fs::read_to_string(file).map_err(|e| err(None, format!("cannot read the file: {e}")))?;
    let mut value: toml::Table = toml::from_str(&text).map_err(|e| {
        let key = e.span().map(|s| format!("line {}", text[..s.start].lines().count().max(1)));
        err(key, e.message().to_owned())
    })?;
    apply_env(&mut value, env).map_err(|(k, r)| err(Some(k), r))?;
    let de = toml::Value::Table(value);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        err((path != ".").then_some(path), e.inner().to_string())
    })
}

/// Parses a TOML document from a string (used for generated configs and in tests).
pub fn parse<T: DeserializeOwned>(name: &str, text: &str, env: &BTreeMap<String, String>) -> Result<T, ConfigError> {
    let err = |key: Option<String>, reason: String| ConfigError { file: PathBuf::from(name), key, reason };
    let mut value: toml::Table = toml::from_str(text).map_err(|e| err(None, e.message().to_owned()))?;
    apply_env(&mut value, env).map_err(|(k, r)| err(Some(k), r))?;
    serde_path_to_error::deserialize(toml::Value::Table(value)).map_err(|e| {
        let path = e.path().to_string();
        err((path != ".").then_some(path), e.inner().to_string())
    })
}

fn apply_env(table: &mut toml::Table, env: &BTreeMap<String, String>) -> Result<(), (String, String)> {
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix("MYDATA_") else { continue };
        if RESERVED_ENV.contains(&name.as_str()) || rest.starts_with("TEST_") {
            continue;
        }
        let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        if path.iter().any(String::is_empty) {
            return Err((name.clone(), "malformed override name".to_owned()));
        }
        let dotted = path.join(".");
        let mut cursor = &mut *table;
        for seg in &path[..path.len() - 1] {
            let entry = cursor.entry(seg.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            cursor = match entry {
                toml::Value::Table(t) => t,
                _ => return Err((dotted, format!("{name} overrides inside a value that is not a table"))),
            };
        }
        let leaf = path.last().cloned().unwrap_or_default();
        cursor.insert(leaf, parse_env_value(raw));
    }
    Ok(())
}

/// An override is read as a TOML value when it parses as one (numbers, booleans, arrays), else as a string.
fn parse_env_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(raw.to_owned())),
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

/// The process environment's `MYDATA_*` variables (read once at start-up).
pub fn process_env() -> BTreeMap<String, String> {
    std::env::vars().filter(|(k, _)| k.starts_with("MYDATA_")).collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Cfg {
        name: String,
        #[serde(default)]
        port: u16,
        store: Store,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Store {
        url: String,
        #[serde(default)]
        max: u32,
    }

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn env_overrides_nest_and_parse_values() {
        let c: Cfg = parse(
            "t.toml",
            "name = \"a\"\n[store]\nurl = \"sqlite:x\"\n",
            &env(&[("MYDATA_STORE__URL", "postgres://db"), ("MYDATA_PORT", "8443"), ("MYDATA_MASTER_KEY", "k")]),
        )
        .unwrap();
        assert_eq!(c, Cfg { name: "a".into(), port: 8443, store: Store { url: "postgres://db".into(), max: 0 } });
    }

    #[test]
    fn errors_name_the_key() {
        let e = parse::<Cfg>("t.toml", "name = \"a\"\nport = \"x\"\n[store]\nurl = \"u\"\n", &env(&[])).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("port"));
        let e = parse::<Cfg>("t.toml", "name = \"a\"\n[store]\nurl = \"u\"\nbogus = 1\n", &env(&[])).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("store.bogus"), "{e}");
        assert!(e.reason.contains("bogus"), "{e}");
        let e = parse::<Cfg>("t.toml", "name = \"a\"\n[store]\nurl = \"u\"\n", &env(&[("MYDATA_STORE__BOGUS", "1")]))
            .unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
        let e = parse::<Cfg>("t.toml", "name = \"a\"\n", &env(&[])).unwrap_err();
        assert!(e.reason.contains("store"), "{e}");
    }

    #[test]
    fn missing_file_is_named() {
        let e = load::<Cfg>(Path::new("/nonexistent/x.toml"), &env(&[])).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.toml"));
    }
}
