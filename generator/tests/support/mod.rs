//! Shared by the integration tests: a scripted HTTP server on loopback.
pub mod server;
