// {{ header|comment }}
use std::fmt;

use serde::Serialize;

use super::error::{InvalidArgument, Result};

/// A file to upload: its name, its bytes and, optionally, its content type.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadFile {
    /// The file name sent with the part (servers use it to guess the type when none is given).
    pub file_name: String,
    /// The part's `Content-Type`, e.g. `image/png`.
    pub content_type: Option<String>,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

impl UploadFile {
    /// A file with no explicit content type.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        UploadFile { file_name: file_name.into(), content_type: None, bytes: bytes.into() }
    }

    /// Sets the part's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

// The bytes can be large and private; say how many there are, not what they are.
impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// A `multipart/form-data` body, encoded once so that every attempt of a call sends the same
/// bytes (a retry must repeat the request exactly, boundary included).
#[derive(Clone)]
pub(crate) struct Multipart {
    pub(crate) content_type: String,
    pub(crate) body: bytes::Bytes,
}

/// A `multipart/form-data` body: `params`' fields as text parts named the way form fields are
/// (`a[b]`, `a[0]`), then one part per file that is set; the files of a list field are parts
/// that share its name.
pub(crate) fn multipart<T: Serialize>(params: &T, files: &[(&str, &[UploadFile])]) -> Result<Multipart> {
    let texts = super::form::form_pairs(params)?;
    let boundary = format!("--------------------------{}", super::options::uuid_v4().replace('-', ""));
    let mut body = Vec::new();
    let start = |body: &mut Vec<u8>, name: &str| {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quoted(name)).as_bytes());
    };
    for (name, text) in &texts {
        start(&mut body, name);
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(text.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    for (name, file) in files.iter().flat_map(|(name, list)| list.iter().map(move |file| (name, file))) {
        start(&mut body, name);
        body.extend_from_slice(format!("; filename=\"{}\"", quoted(&file.file_name)).as_bytes());
        if let Some(content_type) = &file.content_type {
            if !is_mime_type(content_type) {
                return Err(InvalidArgument::new(name, format!("content type {content_type:?} is not a MIME type")).into());
            }
            body.extend_from_slice(format!("\r\nContent-Type: {content_type}").as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(&file.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(Multipart { content_type: format!("multipart/form-data; boundary={boundary}"), body: body.into() })
}

/// A name inside a quoted header parameter: quotes and line breaks percent-encoded, as browsers
/// do, so no value can end the header early.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// `type/subtype`, optionally with `; parameters`, in visible ASCII.
fn is_mime_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or("").trim();
    let token = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b));
    let visible = text.bytes().all(|b| b == b' ' || b.is_ascii_graphic());
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub)) && visible
}
