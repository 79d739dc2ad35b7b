use async_graphql::{ID, Interface};

use super::{Application, Commitment, FundingProgramme, GrantCall, Organization, StateAidAllocation};

/// Anything with a global ID that `node(id:)` resolves.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Organization(Organization),
    FundingProgramme(FundingProgramme),
    GrantCall(GrantCall),
    Application(Application),
    Commitment(Commitment),
    StateAidAllocation(StateAidAllocation),
}
