//! Portfolios to run salkku on before real data arrives: the demo portfolio ([`demo`]), read from
//! the centre's own documents (the MONNI and Kansa-koulu III applications, their budgets,
//! commitments and decisions), and synthetic portfolios of any size ([`synthetic`]) for the
//! benchmark and the scale tests. The demo writes through storage's commands as any client does;
//! the synthetic generator loads its rows in bulk (`commands::bulk::BulkLoad`), which rebuilds the
//! derived tables when it finishes.

pub mod demo;
pub mod plans;
pub mod synthetic;
