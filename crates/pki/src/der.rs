//! The few DER and PEM encodings this crate writes by hand (rcgen cannot express OID arcs above 64 bits).

use base64::Engine as _;

/// DER tag of UTF8String.
const TAG_UTF8_STRING: u8 = 0x0c;
/// DER tag of OBJECT IDENTIFIER.
pub(crate) const TAG_OID: u8 = 0x06;

/// Appends a DER length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// One DER tag-length-value.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A DER UTF8String.
pub(crate) fn utf8_string(s: &str) -> Vec<u8> {
    tlv(TAG_UTF8_STRING, s.as_bytes())
}

/// Parses a DER UTF8String that spans the whole input.
pub(crate) fn parse_utf8_string(der: &[u8]) -> Option<&str> {
    let (&tag, rest) = der.split_first()?;
    if tag != TAG_UTF8_STRING {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, body) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if body.len() != len {
        return None;
    }
    std::str::from_utf8(body).ok()
}

/// Base-128 encoding of one OID arc (high bit set on all but the last byte).
pub(crate) fn push_arc(out: &mut Vec<u8>, mut arc: u128) {
    let mut groups = vec![(arc & 0x7f) as u8];
    arc >>= 7;
    while arc > 0 {
        groups.push(((arc & 0x7f) as u8) | 0x80);
        arc >>= 7;
    }
    out.extend(groups.iter().rev());
}

/// The DER content octets of an OID given as arcs (at least two; the first two are combined as X.690 requires).
pub(crate) fn oid_content(arcs: &[u128]) -> Vec<u8> {
    let mut out = Vec::new();
    if let [first, second, rest @ ..] = arcs {
        push_arc(&mut out, first * 40 + second);
        for arc in rest {
            push_arc(&mut out, *arc);
        }
    }
    out
}

/// PEM text with 64-column base64 lines.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_string_round_trips_short_and_long() {
        for s in ["", "abc", &"x".repeat(88), &"y".repeat(300)] {
            assert_eq!(parse_utf8_string(&utf8_string(s)), Some(s));
        }
        assert_eq!(parse_utf8_string(&[0x13, 0x01, b'a']), None, "PrintableString is not UTF8String");
        assert_eq!(parse_utf8_string(&[0x0c, 0x02, b'a']), None, "truncated");
    }

    #[test]
    fn oid_encoding_matches_x690() {
        // 1.2.840.113549 (rsadsi) = 2a 86 48 86 f7 0d
        assert_eq!(oid_content(&[1, 2, 840, 113_549]), [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]);
        // 2.25.<0> = 0x69 0x00
        assert_eq!(oid_content(&[2, 25, 0]), [0x69, 0x00]);
    }
}
