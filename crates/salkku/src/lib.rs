//! The salkku service as a program: the command line ([`cli`]), its progress bars ([`progress`])
//! and logging ([`telemetry`]). The demo and synthetic portfolios are the `salkku-demo` crate's.

pub mod cli;
pub mod progress;
pub mod telemetry;
