//! Portfolios to run salkku on before real data arrives: the demo portfolio ([`demo`]), read from
//! the centre's own documents (the MONNI and Kansa-koulu III applications, their budgets,
//! commitments and decisions), and synthetic portfolios of any size ([`synthetic`]) for the
//! benchmark and the scale tests. Both write through the storage layer as any client does.

pub mod demo;
pub mod synthetic;
