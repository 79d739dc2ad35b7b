//! Report obligations as read: a project's reports by due date, a submitted report's actual costs
//! and the documents it came with.

use salkku_domain::budget::BudgetLine;
use salkku_domain::ids::{ApplicationId, DocumentId, ReportId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::{document, report_cost_line, report_document, report_obligation as report};
use crate::records::{Document, Report};
use crate::store::convert::all;
use crate::store::support::one_of;

pub async fn get<C: ConnectionTrait>(c: &C, id: ReportId) -> StoreResult<Option<Report>> {
    report::Entity::find_by_id(id.0).one(c).await?.map(Report::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[ReportId]) -> StoreResult<Vec<Report>> {
    all(report::Entity::find().filter(one_of(c, report::Column::Id, ids.iter().map(|r| r.0).collect())).all(c).await?)
}

/// The reports of each application, soonest due first.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Report>> {
    all(report::Entity::find()
        .filter(one_of(c, report::Column::ApplicationId, ids.iter().map(|a| a.0).collect()))
        .order_by_asc(report::Column::ApplicationId)
        .order_by_asc(report::Column::DueOn)
        .order_by_asc(report::Column::Id)
        .all(c)
        .await?)
}

/// The actual costs each report was submitted with, in the order given.
pub async fn cost_lines_of<C: ConnectionTrait>(c: &C, ids: &[ReportId]) -> StoreResult<Vec<(ReportId, BudgetLine)>> {
    let rows = report_cost_line::Entity::find()
        .filter(one_of(c, report_cost_line::Column::ReportId, ids.iter().map(|r| r.0).collect()))
        .order_by_asc(report_cost_line::Column::ReportId)
        .order_by_asc(report_cost_line::Column::Position)
        .all(c)
        .await?;
    rows.into_iter().map(|row| Ok((ReportId(row.report_id), BudgetLine::try_from(row)?))).collect()
}

/// The documents each report was submitted with, oldest first.
pub async fn documents_of<C: ConnectionTrait>(c: &C, ids: &[ReportId]) -> StoreResult<Vec<(ReportId, Document)>> {
    let links = report_document::Entity::find()
        .filter(one_of(c, report_document::Column::ReportId, ids.iter().map(|r| r.0).collect()))
        .all(c)
        .await?;
    let keys: Vec<i64> = links.iter().map(|l| l.document_id).collect();
    let documents: Vec<Document> = all(document::Entity::find()
        .filter(one_of(c, document::Column::Id, keys))
        .order_by_asc(document::Column::Id)
        .all(c)
        .await?)?;
    let mut out = Vec::with_capacity(links.len());
    for d in documents {
        for link in links.iter().filter(|l| l.document_id == d.id.0) {
            out.push((ReportId(link.report_id), d.clone()));
        }
    }
    Ok(out)
}

/// The IDs of documents linked to a report.
pub async fn document_ids<C: ConnectionTrait>(c: &C, id: ReportId) -> StoreResult<Vec<DocumentId>> {
    let links = report_document::Entity::find().filter(report_document::Column::ReportId.eq(id.0)).all(c).await?;
    Ok(links.into_iter().map(|l| DocumentId(l.document_id)).collect())
}
