//! Masking helpers: what may reach a log or a screen of personal data.
//!
//! Logs carry ids, never names, CIs, account numbers or tokens (DESIGN.md §4). When something has to be
//! shown for diagnosis, show it through one of these functions. Each keeps just enough to tell two values
//! apart by eye and never enough to recover the value.

use std::fmt;

/// A name: keep the first and (for three or more characters) the last character.
/// `홍길동` → `홍*동`, `홍길` → `홍*`, `Kim Minsu` → `K*******u`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::with_capacity(name.len());
            s.push(chars[0]);
            s.extend(std::iter::repeat_n('*', n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

/// A CI: the first four characters and the length, e.g. `AbCd…(88)`.
pub fn mask_ci(ci: &str) -> String {
    let head: String = ci.chars().take(4).collect();
    format!("{head}…({})", ci.chars().count())
}

/// An account number: keep the first three and the last three digits, mask the digits between; separators
/// stay. `110-123-456789` → `110-***-***789`. Numbers of six digits or fewer are masked entirely.
pub fn mask_account(num: &str) -> String {
    mask_digits(num, 3, 3)
}

/// A card number: keep the first six and the last four digits (the PCI rule), mask the rest; separators
/// stay. `1234-5678-9012-3456` → `1234-56**-****-3456`.
pub fn mask_card(num: &str) -> String {
    mask_digits(num, 6, 4)
}

fn mask_digits(num: &str, keep_head: usize, keep_tail: usize) -> String {
    let total = num.chars().filter(char::is_ascii_alphanumeric).count();
    if total <= keep_head + keep_tail {
        return num.chars().map(|c| if c.is_ascii_alphanumeric() { '*' } else { c }).collect();
    }
    let mut seen = 0;
    num.chars()
        .map(|c| {
            if !c.is_ascii_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= keep_head || seen > total - keep_tail { c } else { '*' }
        })
        .collect()
}

/// A token or secret: only its length, plus the first four characters when it is long enough that they
/// reveal nothing useful (≥ 32 characters). `eyJhbGciOi…` → `eyJh…(812)`.
pub fn mask_token(token: &str) -> String {
    let n = token.chars().count();
    if n >= 32 {
        let head: String = token.chars().take(4).collect();
        format!("{head}…({n})")
    } else {
        format!("…({n})")
    }
}

/// A phone number: keep the last four digits. `010-1234-5678` → `***-****-5678`.
pub fn mask_phone(num: &str) -> String {
    mask_digits(num, 0, 4)
}

/// A value that prints masked through `Display` and `Debug`, for use in `tracing` fields.
pub struct Masked<'a> {
    value: &'a str,
    how: fn(&str) -> String,
}

impl<'a> Masked<'a> {
    /// A token, masked with [`mask_token`].
    pub fn token(value: &'a str) -> Self {
        Self { value, how: mask_token }
    }

    /// A CI, masked with [`mask_ci`].
    pub fn ci(value: &'a str) -> Self {
        Self { value, how: mask_ci }
    }

    /// An account number, masked with [`mask_account`].
    pub fn account(value: &'a str) -> Self {
        Self { value, how: mask_account }
    }
}

impl fmt::Display for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&(self.how)(self.value))
    }
}

impl fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn examples() {
        assert_eq!(mask_name("홍길동"), "홍*동");
        assert_eq!(mask_name("홍길"), "홍*");
        assert_eq!(mask_name("남궁민수"), "남**수");
        assert_eq!(mask_account("110-123-456789"), "110-***-***789");
        assert_eq!(mask_account("12345"), "*****");
        assert_eq!(mask_card("1234-5678-9012-3456"), "1234-56**-****-3456");
        assert_eq!(mask_phone("010-1234-5678"), "***-****-5678");
        assert_eq!(mask_token("short"), "…(5)");
        assert_eq!(mask_token(&"x".repeat(40)), "xxxx…(40)");
        assert_eq!(Masked::ci(&"A".repeat(88)).to_string(), "AAAA…(88)");
    }

    proptest! {
        #[test]
        fn account_masking_hides_the_middle(d in "[0-9]{7,20}") {
            let m = mask_account(&d);
            prop_assert_eq!(m.len(), d.len());
            prop_assert_eq!(&m[..3], &d[..3]);
            prop_assert!(m[3..d.len() - 3].chars().all(|c| c == '*'));
        }

        #[test]
        fn maskers_never_panic(s in ".{0,40}") {
            let _ = (mask_name(&s), mask_ci(&s), mask_account(&s), mask_card(&s), mask_token(&s), mask_phone(&s));
        }

        #[test]
        fn long_tokens_never_show_more_than_four_chars(t in "[A-Za-z0-9._-]{32,200}") {
            let m = mask_token(&t);
            prop_assert!(!m.contains(&t[..5]));
        }
    }
}
