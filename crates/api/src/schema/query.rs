//! The root of every read.

use async_graphql::{Context, Object};
use salkku_persistence::regions;

use super::objects::{Region, Viewer};
use super::{db, viewer};
use crate::error::ApiResult;

pub struct Query;

#[Object]
impl Query {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Viewer> {
        Ok(Viewer(viewer(ctx)?.clone()))
    }

    /// Every region, in code order.
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        Ok(regions::all(db(ctx)?.conn()).await?.into_iter().map(Region).collect())
    }
}
