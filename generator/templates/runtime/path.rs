// {{ header|comment }}
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::{InvalidArgument, Result};

/// Everything but RFC 3986's unreserved characters is escaped, so a value is always exactly
/// one path segment: `/`, `?`, `#`, `%` and spaces cannot reshape the URL.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a path parameter, refusing values that would change which resource the
/// request names.
pub(crate) fn path_segment(param: &str, value: &str, max_length: Option<usize>) -> Result<String> {
    if value.is_empty() {
        return Err(InvalidArgument::new(param, "must not be empty").into());
    }
    if value == "." || value == ".." {
        return Err(InvalidArgument::new(param, format!("must not be `{value}`, which would change the request path")).into());
    }
    // Percent-encoding would carry them safely, but no real id has them: a CR/LF or NUL here
    // is an injection attempt or a bug, and the caller should hear about it.
    if let Some(bad) = value.chars().find(|c| c.is_control()) {
        return Err(InvalidArgument::new(param, format!("contains the control character {bad:?}")).into());
    }
    if let Some(max) = max_length {
        let len = value.chars().count();
        if len > max {
            return Err(InvalidArgument::new(param, format!("is {len} characters long; at most {max} are allowed")).into());
        }
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_one_segment() {
        let enc = |v| path_segment("id", v, None).map_err(|e| e.to_string());
        assert_eq!(enc("vs_123").as_deref(), Ok("vs_123"));
        assert_eq!(enc("a/b?c#d%e f").as_deref(), Ok("a%2Fb%3Fc%23d%25e%20f"));
        assert_eq!(enc("é~-._").as_deref(), Ok("%C3%A9~-._"));
        for bad in ["", ".", "..", "a\r\nb", "a\nSet-Cookie: x", "nul\0", "\u{7f}", "\u{85}"] {
            assert!(enc(bad).unwrap_err().contains("no request was sent"), "{bad:?}");
        }
        assert!(path_segment("id", "abcdef", Some(5)).is_err());
        assert!(path_segment("id", "ééééé", Some(5)).is_ok(), "max length counts characters");
    }
}
