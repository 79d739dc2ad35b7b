//! The portfolio: organisations and regions, programmes and calls, applications with their
//! participants, regions, budgets, commitments and history, state-aid allocations and payments,
//! deadlines, and idempotency records.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

// Closed code lists as they stood when this migration was written. Later additions come in new
// migrations, so these stay literal here rather than borrowed from the domain crate.
const ORGANIZATION_KINDS: [&str; 13] = [
    "MINISTRY",
    "AGENCY",
    "EU_FUND",
    "REGIONAL_COUNCIL",
    "MUNICIPALITY",
    "JOINT_MUNICIPAL_AUTHORITY",
    "HOSPITAL_DISTRICT",
    "WELLBEING_SERVICES_COUNTY",
    "UNIVERSITY",
    "COMPETENCE_CENTRE",
    "COMPANY",
    "NGO",
    "OTHER",
];
const APPLICATION_STATUSES: [&str; 8] =
    ["IDEA", "IN_PREPARATION", "SUBMITTED", "GRANTED", "REJECTED", "WITHDRAWN", "ACTIVE", "CLOSED"];
/// The lead is the application's `lead_id`; participant rows hold the other roles.
const PARTICIPANT_ROLES: [&str; 3] = ["CO_IMPLEMENTER", "FUNDER", "PARTNER"];
const COST_CATEGORIES: [&str; 7] =
    ["PERSONNEL", "TRAVEL", "PURCHASED_SERVICES", "MATERIALS", "PREMISES", "OVERHEAD", "OTHER"];
const COMMITMENT_KINDS: [&str; 2] = ["CASH", "IN_KIND"];
const COMMITMENT_LEVELS: [&str; 3] = ["OFFICE_HOLDER", "BOARD", "COUNCIL"];
const COMMITMENT_STATUSES: [&str; 4] = ["REQUESTED", "PROMISED", "APPROVED", "DECLINED"];
const DEADLINE_KINDS: [&str; 6] =
    ["CALL_CLOSES", "COMMITMENT_DUE", "DECISION_EXPECTED", "REPORT_DUE", "PROJECT_ENDS", "CUSTOM"];

#[derive(DeriveIden, Clone, Copy)]
enum Regions {
    Table,
    Code,
    NameFi,
    NameSv,
    NameEn,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    Id,
    Name,
    Kind,
    BusinessId,
    RegionCode,
    Population,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum FundingProgrammes {
    Table,
    Id,
    Name,
    FunderId,
    MaxAidRateBp,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum GrantCalls {
    Table,
    Id,
    Title,
    FunderId,
    ProgrammeId,
    OpensAt,
    ClosesAt,
    MaxAidRateBp,
    InKindCounts,
    EnvelopeCents,
    Url,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Applications {
    Table,
    Id,
    Name,
    Acronym,
    Description,
    CallId,
    Status,
    LeadId,
    PeriodStart,
    PeriodEnd,
    ReportDue,
    SubmittedAt,
    StateAidRequestedCents,
    TotalCostCents,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationParticipants {
    Table,
    ApplicationId,
    OrganizationId,
    Role,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationRegions {
    Table,
    ApplicationId,
    RegionCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum BudgetLines {
    Table,
    Id,
    ApplicationId,
    Position,
    Category,
    Year,
    Description,
    AmountCents,
}

#[derive(DeriveIden, Clone, Copy)]
enum Commitments {
    Table,
    Id,
    ApplicationId,
    OrganizationId,
    AmountCents,
    Kind,
    Level,
    Status,
    DueDate,
    DecidedAt,
    DecisionRef,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum StateAidAllocations {
    Table,
    Id,
    FunderId,
    RecipientId,
    ApplicationId,
    Year,
    AmountCents,
    PaidTotalCents,
    DecisionDate,
    DecisionRef,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Payments {
    Table,
    Id,
    AllocationId,
    PaidOn,
    AmountCents,
    Reference,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Deadlines {
    Table,
    Id,
    Kind,
    Title,
    DueAt,
    Tentative,
    ApplicationId,
    CallId,
    CommitmentId,
    SourceKey,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum StatusChanges {
    Table,
    Id,
    ApplicationId,
    FromStatus,
    ToStatus,
    At,
    BySubject,
    DecisionRef,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKeys {
    Table,
    Subject,
    Key,
    Operation,
    ResultId,
    CreatedAt,
}

fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn text<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn key<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn key_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

/// A code column restricted to its list.
fn code<T: IntoIden + Copy + 'static>(col: T, values: &[&str]) -> ColumnDef {
    ColumnDef::new(col).string_len(40).not_null().check(Expr::col(col).is_in(values.iter().copied())).to_owned()
}

/// Integer cents, never negative.
fn cents<T: IntoIden + Copy + 'static>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().default(0).check(Expr::col(col).gte(0)).to_owned()
}

fn cents_null<T: IntoIden + Copy + 'static>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().check(Expr::col(col).gte(0)).to_owned()
}

/// A rate in basis points: 0 to 10 000 (0.00–100.00 %).
fn rate<T: IntoIden + Copy + 'static>(col: T, nullable: bool) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    def.integer().check(Expr::col(col).between(0, 10_000));
    if nullable {
        def.null()
    } else {
        def.not_null()
    };
    def.to_owned()
}

fn instant<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().to_owned()
}

fn instant_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().to_owned()
}

fn date_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).date().null().to_owned()
}

fn version<T: IntoIden + Copy + 'static>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().default(1).check(Expr::col(col).gte(1)).to_owned()
}

fn year<T: IntoIden + Copy + 'static>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().check(Expr::col(col).between(1990, 2100)).to_owned()
}

fn flag<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).boolean().not_null().default(false).to_owned()
}

fn fk<FT: IntoIden, FC: IntoIden, TT: IntoIden, TC: IntoIden>(
    from_table: FT,
    from_col: FC,
    to_table: TT,
    to_col: TC,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

fn index<T: IntoIden + Clone + 'static, C: IntoIden + Clone + 'static>(
    name: &str,
    table: T,
    cols: &[C],
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(c.clone());
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};

        m.create_table(
            Table::create()
                .table(Regions::Table)
                .col(ColumnDef::new(Regions::Code).string_len(2).not_null().primary_key())
                .col(text(Regions::NameFi))
                .col(text(Regions::NameSv))
                .col(text(Regions::NameEn))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Organizations::Table)
                .col(id(Organizations::Id))
                .col(text(Organizations::Name))
                .col(code(Organizations::Kind, &ORGANIZATION_KINDS))
                .col(ColumnDef::new(Organizations::BusinessId).string_len(9).null().unique_key())
                .col(ColumnDef::new(Organizations::RegionCode).string_len(2).null())
                .col(
                    ColumnDef::new(Organizations::Population)
                        .big_integer()
                        .null()
                        .check(Expr::col(Organizations::Population).gte(0)),
                )
                .col(instant(Organizations::CreatedAt))
                .col(instant(Organizations::UpdatedAt))
                .col(version(Organizations::Version))
                .foreign_key(&mut fk(
                    Organizations::Table,
                    Organizations::RegionCode,
                    Regions::Table,
                    Regions::Code,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organizations_kind", Organizations::Table, &[Organizations::Kind])).await?;
        m.create_index(index("organizations_region", Organizations::Table, &[Organizations::RegionCode])).await?;
        m.create_index(index("organizations_name", Organizations::Table, &[Organizations::Name])).await?;

        m.create_table(
            Table::create()
                .table(FundingProgrammes::Table)
                .col(id(FundingProgrammes::Id))
                .col(text(FundingProgrammes::Name))
                .col(key(FundingProgrammes::FunderId))
                .col(rate(FundingProgrammes::MaxAidRateBp, true))
                .col(instant(FundingProgrammes::CreatedAt))
                .col(instant(FundingProgrammes::UpdatedAt))
                .col(version(FundingProgrammes::Version))
                .foreign_key(&mut fk(
                    FundingProgrammes::Table,
                    FundingProgrammes::FunderId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("funding_programmes_funder", FundingProgrammes::Table, &[FundingProgrammes::FunderId]))
            .await?;

        m.create_table(
            Table::create()
                .table(GrantCalls::Table)
                .col(id(GrantCalls::Id))
                .col(text(GrantCalls::Title))
                .col(key(GrantCalls::FunderId))
                .col(key_null(GrantCalls::ProgrammeId))
                .col(instant_null(GrantCalls::OpensAt))
                .col(instant(GrantCalls::ClosesAt))
                .col(rate(GrantCalls::MaxAidRateBp, false))
                .col(flag(GrantCalls::InKindCounts))
                .col(cents_null(GrantCalls::EnvelopeCents))
                .col(text_null(GrantCalls::Url))
                .col(instant(GrantCalls::CreatedAt))
                .col(instant(GrantCalls::UpdatedAt))
                .col(version(GrantCalls::Version))
                .check((
                    "grant_calls_close_after_opening",
                    Expr::col(GrantCalls::OpensAt)
                        .is_null()
                        .or(Expr::col(GrantCalls::OpensAt).lt(Expr::col(GrantCalls::ClosesAt))),
                ))
                .foreign_key(&mut fk(
                    GrantCalls::Table,
                    GrantCalls::FunderId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    GrantCalls::Table,
                    GrantCalls::ProgrammeId,
                    FundingProgrammes::Table,
                    FundingProgrammes::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("grant_calls_funder", GrantCalls::Table, &[GrantCalls::FunderId])).await?;
        m.create_index(index("grant_calls_programme", GrantCalls::Table, &[GrantCalls::ProgrammeId])).await?;
        m.create_index(index("grant_calls_closes_at", GrantCalls::Table, &[GrantCalls::ClosesAt])).await?;

        m.create_table(
            Table::create()
                .table(Applications::Table)
                .col(id(Applications::Id))
                .col(text(Applications::Name))
                .col(text_null(Applications::Acronym))
                .col(text_null(Applications::Description))
                .col(key_null(Applications::CallId))
                .col(code(Applications::Status, &APPLICATION_STATUSES))
                .col(key(Applications::LeadId))
                .col(date_null(Applications::PeriodStart))
                .col(date_null(Applications::PeriodEnd))
                .col(date_null(Applications::ReportDue))
                .col(instant_null(Applications::SubmittedAt))
                .col(cents(Applications::StateAidRequestedCents))
                // Kept equal to the sum of the budget lines by the transaction that writes them,
                // so that ordering and aggregating by cost needs no join.
                .col(cents(Applications::TotalCostCents))
                .col(text(Applications::CreatedBy))
                .col(instant(Applications::CreatedAt))
                .col(instant(Applications::UpdatedAt))
                .col(version(Applications::Version))
                .check((
                    "applications_end_after_start",
                    Expr::col(Applications::PeriodStart)
                        .is_null()
                        .or(Expr::col(Applications::PeriodEnd).is_null())
                        .or(Expr::col(Applications::PeriodEnd).gte(Expr::col(Applications::PeriodStart))),
                ))
                .foreign_key(&mut fk(
                    Applications::Table,
                    Applications::CallId,
                    GrantCalls::Table,
                    GrantCalls::Id,
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    Applications::Table,
                    Applications::LeadId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("applications_call", Applications::Table, &[Applications::CallId])).await?;
        m.create_index(index("applications_lead", Applications::Table, &[Applications::LeadId])).await?;
        m.create_index(index("applications_status", Applications::Table, &[Applications::Status])).await?;
        m.create_index(index("applications_name", Applications::Table, &[Applications::Name, Applications::Id]))
            .await?;
        m.create_index(index(
            "applications_created_at",
            Applications::Table,
            &[Applications::CreatedAt, Applications::Id],
        ))
        .await?;
        m.create_index(index(
            "applications_total_cost",
            Applications::Table,
            &[Applications::TotalCostCents, Applications::Id],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ApplicationParticipants::Table)
                .col(key(ApplicationParticipants::ApplicationId))
                .col(key(ApplicationParticipants::OrganizationId))
                .col(code(ApplicationParticipants::Role, &PARTICIPANT_ROLES))
                .col(ColumnDef::new(ApplicationParticipants::Position).integer().not_null().default(0))
                .primary_key(
                    Index::create()
                        .col(ApplicationParticipants::ApplicationId)
                        .col(ApplicationParticipants::OrganizationId)
                        .col(ApplicationParticipants::Role),
                )
                .foreign_key(&mut fk(
                    ApplicationParticipants::Table,
                    ApplicationParticipants::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ApplicationParticipants::Table,
                    ApplicationParticipants::OrganizationId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "application_participants_organization",
            ApplicationParticipants::Table,
            &[ApplicationParticipants::OrganizationId],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ApplicationRegions::Table)
                .col(key(ApplicationRegions::ApplicationId))
                .col(ColumnDef::new(ApplicationRegions::RegionCode).string_len(2).not_null())
                .primary_key(Index::create().col(ApplicationRegions::ApplicationId).col(ApplicationRegions::RegionCode))
                .foreign_key(&mut fk(
                    ApplicationRegions::Table,
                    ApplicationRegions::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ApplicationRegions::Table,
                    ApplicationRegions::RegionCode,
                    Regions::Table,
                    Regions::Code,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "application_regions_region",
            ApplicationRegions::Table,
            &[ApplicationRegions::RegionCode, ApplicationRegions::ApplicationId],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetLines::Table)
                .col(id(BudgetLines::Id))
                .col(key(BudgetLines::ApplicationId))
                .col(ColumnDef::new(BudgetLines::Position).integer().not_null())
                .col(code(BudgetLines::Category, &COST_CATEGORIES))
                .col(year(BudgetLines::Year))
                .col(text_null(BudgetLines::Description))
                .col(cents(BudgetLines::AmountCents))
                .foreign_key(&mut fk(
                    BudgetLines::Table,
                    BudgetLines::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "budget_lines_application",
            BudgetLines::Table,
            &[BudgetLines::ApplicationId, BudgetLines::Position],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Commitments::Table)
                .col(id(Commitments::Id))
                .col(key(Commitments::ApplicationId))
                .col(key(Commitments::OrganizationId))
                .col(cents(Commitments::AmountCents))
                .col(code(Commitments::Kind, &COMMITMENT_KINDS))
                .col(code(Commitments::Level, &COMMITMENT_LEVELS))
                .col(code(Commitments::Status, &COMMITMENT_STATUSES))
                .col(date_null(Commitments::DueDate))
                .col(date_null(Commitments::DecidedAt))
                .col(text_null(Commitments::DecisionRef))
                .col(instant(Commitments::CreatedAt))
                .col(instant(Commitments::UpdatedAt))
                .col(version(Commitments::Version))
                .foreign_key(&mut fk(
                    Commitments::Table,
                    Commitments::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    Commitments::Table,
                    Commitments::OrganizationId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("commitments_application", Commitments::Table, &[Commitments::ApplicationId])).await?;
        m.create_index(index("commitments_organization", Commitments::Table, &[Commitments::OrganizationId])).await?;

        m.create_table(
            Table::create()
                .table(StateAidAllocations::Table)
                .col(id(StateAidAllocations::Id))
                .col(key(StateAidAllocations::FunderId))
                .col(key(StateAidAllocations::RecipientId))
                .col(key_null(StateAidAllocations::ApplicationId))
                .col(year(StateAidAllocations::Year))
                .col(cents(StateAidAllocations::AmountCents))
                // The sum of the allocation's payments, kept by the transaction that records a
                // payment; the check makes overpayment impossible even for concurrent writers.
                .col(cents(StateAidAllocations::PaidTotalCents))
                .col(date_null(StateAidAllocations::DecisionDate))
                .col(text_null(StateAidAllocations::DecisionRef))
                .col(instant(StateAidAllocations::CreatedAt))
                .col(instant(StateAidAllocations::UpdatedAt))
                .col(version(StateAidAllocations::Version))
                .check((
                    "state_aid_allocations_paid_within_amount",
                    Expr::col(StateAidAllocations::PaidTotalCents).lte(Expr::col(StateAidAllocations::AmountCents)),
                ))
                .foreign_key(&mut fk(
                    StateAidAllocations::Table,
                    StateAidAllocations::FunderId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    StateAidAllocations::Table,
                    StateAidAllocations::RecipientId,
                    Organizations::Table,
                    Organizations::Id,
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    StateAidAllocations::Table,
                    StateAidAllocations::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "state_aid_allocations_application",
            StateAidAllocations::Table,
            &[StateAidAllocations::ApplicationId],
        ))
        .await?;
        m.create_index(index(
            "state_aid_allocations_recipient",
            StateAidAllocations::Table,
            &[StateAidAllocations::RecipientId],
        ))
        .await?;
        m.create_index(index(
            "state_aid_allocations_funder",
            StateAidAllocations::Table,
            &[StateAidAllocations::FunderId],
        ))
        .await?;
        m.create_index(index("state_aid_allocations_year", StateAidAllocations::Table, &[StateAidAllocations::Year]))
            .await?;

        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(id(Payments::Id))
                .col(key(Payments::AllocationId))
                .col(ColumnDef::new(Payments::PaidOn).date().not_null())
                .col(
                    ColumnDef::new(Payments::AmountCents)
                        .big_integer()
                        .not_null()
                        .check(Expr::col(Payments::AmountCents).gt(0)),
                )
                .col(text_null(Payments::Reference))
                .col(instant(Payments::CreatedAt))
                .foreign_key(&mut fk(
                    Payments::Table,
                    Payments::AllocationId,
                    StateAidAllocations::Table,
                    StateAidAllocations::Id,
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("payments_allocation", Payments::Table, &[Payments::AllocationId])).await?;

        m.create_table(
            Table::create()
                .table(Deadlines::Table)
                .col(id(Deadlines::Id))
                .col(code(Deadlines::Kind, &DEADLINE_KINDS))
                .col(text(Deadlines::Title))
                .col(instant(Deadlines::DueAt))
                .col(flag(Deadlines::Tentative))
                .col(key_null(Deadlines::ApplicationId))
                .col(key_null(Deadlines::CallId))
                .col(key_null(Deadlines::CommitmentId))
                // Where an automatic deadline comes from ("call:7", "commitment:3",
                // "application-end:5"); null for deadlines that users add.
                .col(ColumnDef::new(Deadlines::SourceKey).string_len(80).null().unique_key())
                .col(instant(Deadlines::CreatedAt))
                .col(instant(Deadlines::UpdatedAt))
                .col(version(Deadlines::Version))
                .foreign_key(&mut fk(
                    Deadlines::Table,
                    Deadlines::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Cascade,
                ))
                .foreign_key(&mut fk(Deadlines::Table, Deadlines::CallId, GrantCalls::Table, GrantCalls::Id, Cascade))
                .foreign_key(&mut fk(
                    Deadlines::Table,
                    Deadlines::CommitmentId,
                    Commitments::Table,
                    Commitments::Id,
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("deadlines_due_at", Deadlines::Table, &[Deadlines::DueAt, Deadlines::Id])).await?;
        m.create_index(index("deadlines_application", Deadlines::Table, &[Deadlines::ApplicationId])).await?;
        m.create_index(index("deadlines_call", Deadlines::Table, &[Deadlines::CallId])).await?;
        m.create_index(index("deadlines_commitment", Deadlines::Table, &[Deadlines::CommitmentId])).await?;

        m.create_table(
            Table::create()
                .table(StatusChanges::Table)
                .col(id(StatusChanges::Id))
                .col(key(StatusChanges::ApplicationId))
                .col(
                    ColumnDef::new(StatusChanges::FromStatus)
                        .string_len(40)
                        .null()
                        .check(Expr::col(StatusChanges::FromStatus).is_in(APPLICATION_STATUSES)),
                )
                .col(code(StatusChanges::ToStatus, &APPLICATION_STATUSES))
                .col(instant(StatusChanges::At))
                .col(text(StatusChanges::BySubject))
                .col(text_null(StatusChanges::DecisionRef))
                .foreign_key(&mut fk(
                    StatusChanges::Table,
                    StatusChanges::ApplicationId,
                    Applications::Table,
                    Applications::Id,
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "status_changes_application",
            StatusChanges::Table,
            &[StatusChanges::ApplicationId, StatusChanges::Id],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(ColumnDef::new(IdempotencyKeys::Subject).string_len(255).not_null())
                .col(ColumnDef::new(IdempotencyKeys::Key).string_len(255).not_null())
                .col(ColumnDef::new(IdempotencyKeys::Operation).string_len(60).not_null())
                .col(key(IdempotencyKeys::ResultId))
                .col(instant(IdempotencyKeys::CreatedAt))
                .primary_key(Index::create().col(IdempotencyKeys::Subject).col(IdempotencyKeys::Key))
                .to_owned(),
        )
        .await?;

        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            StatusChanges::Table.into_iden(),
            Deadlines::Table.into_iden(),
            Payments::Table.into_iden(),
            StateAidAllocations::Table.into_iden(),
            Commitments::Table.into_iden(),
            BudgetLines::Table.into_iden(),
            ApplicationRegions::Table.into_iden(),
            ApplicationParticipants::Table.into_iden(),
            Applications::Table.into_iden(),
            GrantCalls::Table.into_iden(),
            FundingProgrammes::Table.into_iden(),
            Organizations::Table.into_iden(),
            Regions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
