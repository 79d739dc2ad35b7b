//! sea-orm entities, one per table. They mirror the schema and nothing more: conversion to the
//! domain's types happens in the repositories, and no entity ever reaches the API.

pub mod allocation;
pub mod application;
pub mod application_region;
pub mod audit;
pub mod budget_line;
pub mod budget_version;
pub mod budget_version_line;
pub mod calendar_feed;
pub mod change_request;
pub mod change_request_line;
pub mod change_request_part;
pub mod change_request_partner;
pub mod commitment;
pub mod deadline;
pub mod deadline_party;
pub mod decision;
pub mod document;
pub mod document_content;
pub mod grant_call;
pub mod idempotency_key;
pub mod instalment;
pub mod organization;
pub mod participant;
pub mod payment;
pub mod portfolio_cell;
pub mod portfolio_counted;
pub mod programme;
pub mod region;
pub mod repayment;
pub mod report_cost_line;
pub mod report_document;
pub mod report_obligation;
pub mod status_change;
