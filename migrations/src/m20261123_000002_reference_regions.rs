//! Finland's regions (maakunnat), Statistics Finland's classification in force since 2021. Copied
//! here, not read from the domain crate, so the migration inserts the same rows forever.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Code,
    NameFi,
    NameSv,
    NameEn,
}

const REGIONS: [(&str, &str, &str, &str); 19] = [
    ("01", "Uusimaa", "Nyland", "Uusimaa"),
    ("02", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
    ("04", "Satakunta", "Satakunta", "Satakunta"),
    ("05", "Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
    ("06", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
    ("07", "Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
    ("08", "Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
    ("09", "Etelä-Karjala", "Södra Karelen", "South Karelia"),
    ("10", "Etelä-Savo", "Södra Savolax", "South Savo"),
    ("11", "Pohjois-Savo", "Norra Savolax", "North Savo"),
    ("12", "Pohjois-Karjala", "Norra Karelen", "North Karelia"),
    ("13", "Keski-Suomi", "Mellersta Finland", "Central Finland"),
    ("14", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    ("15", "Pohjanmaa", "Österbotten", "Ostrobothnia"),
    ("16", "Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
    ("17", "Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
    ("18", "Kainuu", "Kajanaland", "Kainuu"),
    ("19", "Lappi", "Lappland", "Lapland"),
    ("21", "Ahvenanmaa", "Åland", "Åland"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut insert = Query::insert();
        insert.into_table(Regions::Table).columns([Regions::Code, Regions::NameFi, Regions::NameSv, Regions::NameEn]);
        for (code, fi, sv, en) in REGIONS {
            insert.values_panic([code.into(), fi.into(), sv.into(), en.into()]);
        }
        m.exec_stmt(insert.to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(Query::delete().from_table(Regions::Table).to_owned()).await
    }
}
