//! The portfolio as open data: a 360Giving data package (JSON) and an IATI activities file (XML)
//! of the granted projects. Both are written a page of projects at a time
//! ([`views::open_data::page`]), so a portfolio of any size streams out in bounded memory, over
//! HTTP (`GET /export/360giving.json`, `/export/iati-activities.xml`) and from `salkku export`.

mod giving360;
mod iati;

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::ids::ApplicationId;
use salkku_persistence::views::application_list::ApplicationFilter;
use salkku_persistence::views::open_data::{self as view, Grant, Page};
use salkku_persistence::{Snapshot, StoreError, StoreResult};

use crate::config::OpenDataSettings;

/// Projects read per page: a few dozen queries per thousand projects, a few megabytes held.
pub const PAGE: u64 = 500;

/// Open-data exports one process streams at once; more wait for a retry (`LIMIT_EXCEEDED`).
pub const AT_ONCE: usize = 2;

/// The two standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// A 360Giving 1.4 data package: `{"grants": [...], ...}`.
    Giving360,
    /// An IATI 2.03 activities file.
    Iati,
}

impl Standard {
    /// The file served over HTTP.
    pub fn file_name(self) -> &'static str {
        match self {
            Standard::Giving360 => "360giving.json",
            Standard::Iati => "iati-activities.xml",
        }
    }

    pub fn by_file_name(name: &str) -> Option<Standard> {
        [Standard::Giving360, Standard::Iati].into_iter().find(|s| s.file_name() == name)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Standard::Giving360 => "application/json",
            Standard::Iati => "application/xml; charset=utf-8",
        }
    }

    /// Whether `grant` can be published in this standard: a 360Giving grant must name its
    /// funder, so a project granted with no call and no allocation is left out of the package.
    fn publishes(self, grant: &Grant, page: &Page) -> bool {
        match self {
            Standard::Giving360 => grant.funder(&page.calls).is_some(),
            Standard::Iati => true,
        }
    }
}

/// What one export publishes: the standard, which projects, by whom, and when.
#[derive(Debug, Clone)]
pub struct Publication {
    pub standard: Standard,
    pub filter: ApplicationFilter,
    pub settings: OpenDataSettings,
    pub now: DateTime<Utc>,
}

impl Publication {
    /// Today in Helsinki: actual dates and activity statuses are as of this day.
    fn today(&self) -> NaiveDate {
        salkku_domain::deadline::local_date(self.now)
    }
}

/// Reads pages of one snapshot until one holds something to publish: that page, or `None` when nothing granted
/// matches (both standards need at least one grant or activity in a file).
pub async fn first_page(snapshot: &Snapshot, publication: &Publication) -> StoreResult<Option<Page>> {
    let mut after: Option<ApplicationId> = None;
    loop {
        let page = view::page(&**snapshot, &publication.filter, after, PAGE).await?;
        if page.grants.is_empty() {
            return Ok(None);
        }
        if page.grants.iter().any(|g| publication.standard.publishes(g, &page)) {
            return Ok(Some(page));
        }
        after = page.last();
    }
}

/// The file, piece by piece: the head and the first page, then a page at a time, the tail with
/// the last. The caller sends each piece on (over HTTP, into a file) before asking for the next.
pub struct Pieces<'a> {
    snapshot: &'a Snapshot,
    publication: &'a Publication,
    /// The page to write next; `None` once the tail is written.
    page: Option<Page>,
    started: bool,
    written: u64,
}

impl<'a> Pieces<'a> {
    /// Begins with `first`, what [`first_page`] found.
    pub fn new(snapshot: &'a Snapshot, publication: &'a Publication, first: Page) -> Pieces<'a> {
        Pieces { snapshot, publication, page: Some(first), started: false, written: 0 }
    }

    /// How many grants or activities were written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The next piece of the file, `None` when it is all written.
    pub async fn next(&mut self) -> StoreResult<Option<Vec<u8>>> {
        let Some(page) = self.page.take() else { return Ok(None) };
        let publication = self.publication;
        let mut out = Vec::new();
        if !self.started {
            head(publication, &mut out)?;
        }
        for grant in &page.grants {
            if !publication.standard.publishes(grant, &page) {
                continue;
            }
            match publication.standard {
                Standard::Giving360 => {
                    if self.written > 0 {
                        out.push(b',');
                    }
                    giving360::grant(publication, grant, &page, &mut out)?;
                }
                Standard::Iati => iati::activity(publication, grant, &page, &mut out)?,
            }
            self.written += 1;
        }
        self.started = true;
        let next = match page.last() {
            Some(after) => view::page(&**self.snapshot, &publication.filter, Some(after), PAGE).await?,
            None => Page::default(),
        };
        if next.grants.is_empty() {
            tail(publication, &mut out)?;
        } else {
            self.page = Some(next);
        }
        Ok(Some(out))
    }
}

fn head(publication: &Publication, out: &mut Vec<u8>) -> StoreResult<()> {
    match publication.standard {
        Standard::Giving360 => giving360::head(publication, out),
        Standard::Iati => iati::head(publication, out),
    }
}

fn tail(publication: &Publication, out: &mut Vec<u8>) -> StoreResult<()> {
    match publication.standard {
        Standard::Giving360 => {
            out.extend_from_slice(b"]}\n");
            Ok(())
        }
        Standard::Iati => iati::tail(out),
    }
}

/// A failure to write the file (never the database's).
fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(format!("writing the open-data export failed: {e}"))
}
