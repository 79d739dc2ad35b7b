//! The salkku service as a program: the command line ([`cli`]), logging ([`telemetry`]) and the
//! demo portfolio ([`demo`]) read from the centre's own documents.

pub mod cli;
pub mod demo;
pub mod progress;
pub mod synthetic;
pub mod telemetry;
