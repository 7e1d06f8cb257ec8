//! The one error type of the store, and URL redaction for error messages.

use sqlx::migrate::MigrateError;

use crate::jobs::JobId;

/// Everything that can go wrong in `mydata-store`.
///
/// Database errors are classified once, in `From<sqlx::Error>`: a unique-constraint violation becomes
/// [`StoreError::Conflict`], a missing row [`StoreError::NotFound`], anything else [`StoreError::Query`].
/// No variant ever carries a password: URLs are masked with [`redact_url`] before they are stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL names a backend this crate does not support (only `sqlite:` and `postgres://`).
    #[error("unsupported database URL {url_redacted}: expected `sqlite:<path>` or `postgres://…`")]
    UnsupportedUrl {
        /// The URL with any password masked.
        url_redacted: String,
    },

    /// Opening the connection pool failed (bad URL, server unreachable, authentication refused…).
    #[error("cannot connect to database {url_redacted}: {source}")]
    Connect {
        /// The URL with any password masked.
        url_redacted: String,
        /// The driver's error.
        source: sqlx::Error,
    },

    /// Running the migrations failed for a reason other than the more specific `Migration*` variants.
    #[error("database migration failed: {source}")]
    Migrate {
        /// The migrator's error.
        source: MigrateError,
    },

    /// A migration that was already applied to this database has different SQL now (checksum mismatch).
    #[error(
        "migration {version} was applied to this database but its SQL has changed since (checksum mismatch); \
         applied migrations are immutable: restore the original file and add a new migration instead"
    )]
    MigrationChanged {
        /// The version of the changed migration.
        version: i64,
    },

    /// The database has a migration applied that this binary does not know (typically a downgrade).
    #[error(
        "the database has migration {version} applied, which this binary does not know; \
         refusing to start (was the binary downgraded?)"
    )]
    MigrationUnknown {
        /// The unknown applied version.
        version: i64,
    },

    /// A role migration uses a version number reserved for `mydata-store` (below 1000).
    #[error("role migration {version} uses a version reserved for mydata-store; role migrations start at 1000")]
    MigrationVersionReserved {
        /// The offending version.
        version: i64,
    },

    /// The row or job asked for does not exist (or is not in the state the operation needs).
    #[error("not found")]
    NotFound,

    /// A unique constraint was violated: a row with the same key already exists.
    #[error("conflict with an existing row (constraint {})", constraint.as_deref().unwrap_or("unknown"))]
    Conflict {
        /// The violated constraint or index, when the database names it (PostgreSQL does, SQLite does not).
        constraint: Option<String>,
    },

    /// The job's lease was lost: it expired and another worker leased the job, or the job was already
    /// finished. The caller must drop its work on the job; the new holder is responsible for it now.
    #[error("lease on job {id} was lost (it expired and was taken over, or the job is no longer leased)")]
    LeaseLost {
        /// The job whose lease was lost.
        id: JobId,
    },

    /// A job payload could not be encoded as JSON.
    #[error("cannot encode the job payload as JSON: {source}")]
    Encode {
        /// The serializer's error.
        source: serde_json::Error,
    },

    /// A stored value could not be decoded (bad UUID, JSON or state in a row).
    #[error("corrupt value in table {table}: {detail}")]
    Corrupt {
        /// The table the row came from.
        table: &'static str,
        /// What was wrong with it.
        detail: String,
    },

    /// Any other database error.
    #[error("database query failed: {0}")]
    Query(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict { constraint: db.constraint().map(str::to_owned) }
            }
            other => Self::Query(other),
        }
    }
}

impl From<MigrateError> for StoreError {
    fn from(e: MigrateError) -> Self {
        match e {
            MigrateError::VersionMismatch(version) => Self::MigrationChanged { version },
            MigrateError::VersionMissing(version) => Self::MigrationUnknown { version },
            source => Self::Migrate { source },
        }
    }
}

/// Masks the secrets in a database URL so it can appear in logs and errors.
///
/// The password of the userinfo part (`user:secret@host`) becomes `***`, and so does the value of every
/// query parameter whose name contains `pass` or `secret` (`?password=…`, `?sslpassword=…`).
///
/// ```
/// assert_eq!(
///     mydata_store::redact_url("postgres://app:hunter2@db:5432/ops?sslmode=require&password=x"),
///     "postgres://app:***@db:5432/ops?sslmode=require&password=***",
/// );
/// assert_eq!(mydata_store::redact_url("sqlite:///var/lib/mydata/hub.db"), "sqlite:///var/lib/mydata/hub.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    if let Some(i) = url.find("://") {
        let auth_start = i + 3;
        let auth_end = url[auth_start..].find(['/', '?', '#']).map_or(url.len(), |j| auth_start + j);
        let authority = &url[auth_start..auth_end];
        out.push_str(&url[..auth_start]);
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &url[auth_end..];
    }
    let Some(q) = rest.find('?') else {
        out.push_str(rest);
        return out;
    };
    out.push_str(&rest[..=q]);
    let (query, fragment) = match rest[q + 1..].find('#') {
        Some(h) => rest[q + 1..].split_at(h),
        None => (&rest[q + 1..], ""),
    };
    for (n, pair) in query.split('&').enumerate() {
        if n > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, _)) if is_secret_param(key) => {
                out.push_str(key);
                out.push_str("=***");
            }
            _ => out.push_str(pair),
        }
    }
    out.push_str(fragment);
    out
}

fn is_secret_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("pass") || key.contains("secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_userinfo_password_only() {
        assert_eq!(redact_url("postgres://u:p@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("postgres://h:5432"), "postgres://h:5432");
        assert_eq!(redact_url("postgresql://u:p%40ss@h"), "postgresql://u:***@h");
        // An unencoded '@' in the password still does not leak it.
        assert_eq!(redact_url("postgres://u:a@b@h/db"), "postgres://u:***@h/db");
    }

    #[test]
    fn masks_secret_query_parameters() {
        assert_eq!(
            redact_url("postgres://h/db?user=u&password=p&sslmode=verify-full#x"),
            "postgres://h/db?user=u&password=***&sslmode=verify-full#x"
        );
        assert_eq!(redact_url("postgres:///db?host=/run/pg&PassWord=p"), "postgres:///db?host=/run/pg&PassWord=***");
        assert_eq!(redact_url("sqlite:data.db?mode=rwc"), "sqlite:data.db?mode=rwc");
    }
}
