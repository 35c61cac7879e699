//! `rdk`, the ferrule rule development kit: thin commands over `rules_lib`.
//!
//! The library half exists so the tests can drive the commands and the local Config
//! endpoint in-process; the binary is `src/main.rs`.
#![warn(missing_docs)]

pub mod check;
pub mod cli;
pub mod commands;
pub mod conformance;
pub mod cost;
pub mod create;
pub mod deploy;
pub mod fixtures;
pub mod input;
pub mod local_config;
pub mod logs;
pub mod remediation;
pub mod samples;
pub mod scan;
pub mod status;
pub mod template;
