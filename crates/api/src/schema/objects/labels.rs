use async_graphql::SimpleObject;

/// A code with its label in the request's language.
#[derive(SimpleObject)]
pub struct CodeLabel {
    /// The enum the code belongs to, as this schema names it ("ApplicationStatus"), or
    /// "RegionCode" for regions.
    pub list: String,
    pub code: String,
    pub label: String,
}
