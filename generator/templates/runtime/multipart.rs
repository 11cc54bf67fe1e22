{{ header }}
use std::fmt;

use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;

use super::error::{InvalidArgument, Result};
use super::form::flatten;

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

/// A `multipart/form-data` body: `params`' fields as text parts named the way form fields are
/// (`a[b]`, `a[0]`), then one part per file that is set.
pub(crate) fn multipart<T: Serialize>(params: &T, files: &[(&str, Option<&UploadFile>)]) -> Result<Form> {
    let value = serde_json::to_value(params).map_err(|e| InvalidArgument::new("params", e.to_string()))?;
    let mut pairs = Vec::new();
    if let Value::Object(fields) = &value {
        for (key, v) in fields {
            flatten(&mut pairs, key.clone(), v);
        }
    }
    let mut form = Form::new();
    for (name, text) in pairs {
        form = form.text(name, text);
    }
    for (name, file) in files {
        let Some(file) = file else { continue };
        let mut part = Part::bytes(file.bytes.clone()).file_name(file.file_name.clone());
        if let Some(content_type) = &file.content_type {
            part = part
                .mime_str(content_type)
                .map_err(|_| InvalidArgument::new(name, format!("content type {content_type:?} is not a MIME type")))?;
        }
        form = form.part(name.to_string(), part);
    }
    Ok(form)
}
