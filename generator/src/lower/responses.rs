//! An operation's `responses` → what a success decodes into, and the error bodies typed per
//! status.

use openapiv3::{ReferenceOr, StatusCode};

use super::{Ctx, Lowerer};
use crate::error::Pointer;
use crate::model::{
    Direction, ErrorBodies, Home, Name, Payload, Response, Status, StatusBody, TypeRef,
};
use crate::naming;

/// How a media type is read: JSON first, then text, then bytes (see [`Payload`]).
fn media_rank(media: &str) -> u8 {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == crate::validate::JSON || essence.ends_with("+json") {
        0
    } else if essence.starts_with("text/") && essence != "text/event-stream" {
        1
    } else {
        2
    }
}

impl<'a> Lowerer<'a> {
    /// The success shape, the JSON error bodies per status, and the `default` error body (for
    /// the binding-wide `ErrorBody` when every operation agrees on it).
    pub(super) fn responses(
        &mut self,
        name: &Name,
        module: &[String],
        op: &'a openapiv3::Operation,
        ptr: &Pointer,
    ) -> (Response, Option<ErrorBodies>, Option<TypeRef>) {
        let at = ptr.push("responses");
        let base = naming::type_name(naming::unraw(&name.rust));
        let home = Home::Module(module.to_vec());
        let mut success: Vec<(Status, &'a ReferenceOr<openapiv3::Response>)> = Vec::new();
        let mut failure = Vec::new();
        for (code, r) in &op.responses.responses {
            let status = match code {
                StatusCode::Code(c) => Status::Code(*c),
                StatusCode::Range(r) => Status::Range(*r),
            };
            let is_success = match status {
                Status::Code(c) => (200..300).contains(&c),
                Status::Range(r) => r == 2,
                Status::Default => false,
            };
            if is_success {
                success.push((status, r));
            } else {
                failure.push((status, r));
            }
        }
        let pointer = |status: Status| match status {
            Status::Code(c) => at.push(c.to_string()),
            Status::Range(r) => at.push(format!("{r}XX")),
            Status::Default => at.push("default"),
        };

        // Where each 2xx body's schema is, so statuses answering the same thing share one type.
        let keys: Vec<String> = success
            .iter()
            .map(|(status, r)| self.payload_key(r, &pointer(*status)))
            .collect();
        let response = if success.is_empty() {
            // No 2xx declared: `default` describes every other answer, successes included, so
            // a success is read as it; without one, a 2xx carries nothing the spec describes.
            match &op.responses.default {
                Some(r) => {
                    let ctx = self.response_ctx(format!("{base}Response"), &home, false);
                    Response::One(self.payload(r, &pointer(Status::Default), ctx))
                }
                None => Response::One(Payload::Empty),
            }
        } else if keys.iter().all(|k| *k == keys[0]) {
            let ctx = self.response_ctx(format!("{base}Response"), &home, false);
            Response::One(self.payload(success[0].1, &pointer(success[0].0), ctx))
        } else {
            let enum_name = self.claim(&home, &format!("{base}Response"));
            let mut variants = Vec::new();
            let mut scope = naming::Scope::new();
            for (status, r) in &success {
                let variant = scope.claim(&naming::status_variant_name(*status));
                let ctx = self.response_ctx(format!("{enum_name}{variant}"), &home, false);
                let payload = self.payload(r, &pointer(*status), ctx);
                variants.push(StatusBody {
                    status: *status,
                    variant,
                    payload,
                });
            }
            Response::ByStatus {
                name: enum_name,
                variants,
            }
        };

        // Error bodies: API resources embedded in them stay raw JSON (`shallow`), as in the
        // shared error type, so they do not pull the whole API into a binding.
        let mut errors = Vec::new();
        let mut scope = naming::Scope::new();
        for (status, r) in &failure {
            let variant = scope.claim(&naming::status_variant_name(*status));
            let ctx = self.response_ctx(format!("{base}{variant}"), &home, true);
            if let Payload::Json(ty) = self.payload(r, &pointer(*status), ctx) {
                errors.push(StatusBody {
                    status: *status,
                    variant,
                    payload: Payload::Json(ty),
                });
            }
        }
        let error_body = op.responses.default.as_ref().and_then(|r| {
            let ctx = self.response_ctx(format!("{base}Error"), &home, true);
            self.payload(r, &pointer(Status::Default), ctx)
                .type_ref()
                .cloned()
        });
        if let (Some(ty), false) = (&error_body, errors.is_empty()) {
            errors.push(StatusBody {
                status: Status::Default,
                variant: scope.claim("Default"),
                payload: Payload::Json(ty.clone()),
            });
        }
        let errors = (!errors.is_empty()).then(|| ErrorBodies {
            name: self.claim(&home, &format!("{base}Error")),
            variants: errors,
        });
        (response, errors, error_body)
    }

    fn response_ctx(&self, name: String, home: &Home, shallow: bool) -> Ctx {
        Ctx {
            name,
            home: home.clone(),
            direction: Direction::Response,
            shallow,
        }
    }

    /// The media type a response is read as, with its key.
    fn pick_media(response: &openapiv3::Response) -> Option<(&String, &openapiv3::MediaType)> {
        response
            .content
            .iter()
            .min_by_key(|(media, _)| media_rank(media))
    }

    /// What identifies a response's payload: the chosen media's kind and its schema's place.
    fn payload_key(&mut self, r: &'a ReferenceOr<openapiv3::Response>, at: &Pointer) -> String {
        let Ok((ptr, response)) = self.resolver.response(r, at) else {
            return at.to_string();
        };
        match Self::pick_media(response) {
            None => "empty".to_owned(),
            Some((media, m)) => match (media_rank(media), &m.schema) {
                (0, Some(schema)) => match self.resolver.schema(schema, &ptr) {
                    Ok(resolved) => format!("json {}", resolved.pointer),
                    Err(_) => at.to_string(),
                },
                (0, None) => "json".to_owned(),
                (rank, _) => format!("rank {rank}"),
            },
        }
    }

    /// How one response's body is read (see [`Payload`]).
    pub(super) fn payload(
        &mut self,
        r: &'a ReferenceOr<openapiv3::Response>,
        at: &Pointer,
        ctx: Ctx,
    ) -> Payload {
        let (ptr, response) = match self.resolver.response(r, at) {
            Ok(r) => r,
            Err(e) => {
                self.errors.push(e);
                return Payload::Empty;
            }
        };
        let Some((media, m)) = Self::pick_media(response) else {
            return Payload::Empty;
        };
        match media_rank(media) {
            0 => match &m.schema {
                Some(schema) => Payload::Json(self.schema(
                    schema,
                    &ptr.push("content").push(media).push("schema"),
                    &ctx,
                )),
                None => Payload::Json(TypeRef::Json),
            },
            1 => Payload::Text,
            _ => Payload::Bytes,
        }
    }
}
