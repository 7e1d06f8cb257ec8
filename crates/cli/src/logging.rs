//! Logging set-up: `MYDATA_LOG` (an `EnvFilter` directive, default `info`) and `MYDATA_LOG_FORMAT`
//! (`text` or `json`). The access log is the `access` target; silence it with `MYDATA_LOG=info,access=off`.

use std::collections::BTreeMap;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber.
pub fn init(env: &BTreeMap<String, String>) {
    let filter = env.get("MYDATA_LOG").map_or_else(|| EnvFilter::new("info"), EnvFilter::new);
    let json = env.get("MYDATA_LOG_FORMAT").is_some_and(|f| f == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(true);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
