//! A reminder as an email, and the SMTP connection it goes through (lettre: STARTTLS or TLS,
//! authentication, timeouts).

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Message, Tokio1Executor};
use salkku_domain::reminder::{EmailAddress, Mail};

use crate::config::{MailSettings, SmtpTls};

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The connection to the mail server the settings name: TLS checked against the public roots
/// (and the certificates of `SALKKU_SMTP_CA_FILE`), signing in when a user is given.
pub fn transport(mail: &MailSettings) -> Result<Transport, lettre::transport::smtp::Error> {
    let tls = || {
        let mut parameters = TlsParameters::builder(mail.host.clone());
        if let Some(pem) = &mail.ca_pem {
            parameters = parameters.add_root_certificate(Certificate::from_pem(pem.as_bytes())?);
        }
        parameters.build()
    };
    let builder = Transport::builder_dangerous(&mail.host);
    let builder = match mail.tls {
        SmtpTls::StartTls => builder.tls(Tls::Required(tls()?)),
        SmtpTls::Tls => builder.tls(Tls::Wrapper(tls()?)),
        SmtpTls::None => builder,
    };
    let mut builder = builder.port(mail.port).timeout(Some(mail.timeout));
    if let Some(user) = &mail.user {
        let password = mail.password.as_ref().map_or(String::new(), |p| p.expose().to_owned());
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// A message's stable identity: the same every time the outbox row is sent, so that a message
/// sent twice (a crash between the server's acceptance and the mark) is recognisably one.
pub fn message_id(outbox_id: i64, from: &EmailAddress) -> String {
    format!("<reminder-{outbox_id}@{}>", from.domain())
}

/// The email: the text, and the deadlines as an iCalendar attachment. The addresses were checked
/// when set; one lettre still refuses is an error to show in the outbox.
pub fn message(
    from: &EmailAddress,
    to: &EmailAddress,
    id: String,
    mail: &Mail,
    calendar: String,
) -> Result<Message, String> {
    let address = |a: &EmailAddress| a.as_str().parse::<lettre::Address>().map_err(|e| format!("{}: {e}", a.as_str()));
    let from = Mailbox::new(Some("salkku".into()), address(from)?);
    let to = Mailbox::new(None, address(to)?);
    let ics = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").map_err(|e| e.to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(&mail.subject)
        .message_id(Some(id))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(mail.body.clone()))
                .singlepart(Attachment::new("deadlines.ics".into()).body(calendar, ics)),
        )
        .map_err(|e| e.to_string())
}
