//! Documents (asiakirjat): the files behind decisions, applications, commitments and change
//! requests. A file is taken for what its bytes are, never for what its name or the client says:
//! PDF, Office documents, images and plain text are accepted; anything else is refused.

use crate::DomainError;
use crate::codes::code_list;

code_list!(
    /// What a document is attached to.
    DocumentOwner { Application, Commitment, Decision, ChangeRequest }
);

/// The default largest file: 20 MiB.
pub const DEFAULT_MAX_BYTES: usize = 20 * 1024 * 1024;

/// The media types accepted, as detected from the content.
const ACCEPTED: [&str; 18] = [
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/rtf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/heif",
    "text/plain",
];

/// The media type of `content`, detected from its bytes; refused unless it is one salkku keeps.
/// Text is UTF-8 with no control characters but tabs and line breaks.
pub fn media_type(content: &[u8]) -> Result<&'static str, DomainError> {
    if content.is_empty() {
        return Err(DomainError::InvalidCode(crate::message!(
            fi: "tiedosto on tyhjä",
            sv: "filen är tom",
            en: "the file is empty",
        )));
    }
    let detected = infer::get(content).map(|t| t.mime_type());
    if let Some(found) = detected.and_then(|m| ACCEPTED.iter().find(|a| **a == m)) {
        return Ok(found);
    }
    if detected.is_none() && is_plain_text(content) {
        return Ok("text/plain");
    }
    let found = detected.unwrap_or("unknown binary data");
    Err(DomainError::InvalidCode(crate::message!(
        fi: "tiedostotyyppiä ({found}) ei oteta vastaan: lähetä PDF, Office-asiakirja, kuva tai tekstitiedosto",
        sv: "filtypen ({found}) tas inte emot: skicka en PDF, ett Office-dokument, en bild eller en textfil",
        en: "this type of file ({found}) is not accepted: send a PDF, an Office document, an image or plain text",
    )))
}

fn is_plain_text(content: &[u8]) -> bool {
    std::str::from_utf8(content)
        .is_ok_and(|text| text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')))
}

/// A file no larger than `max` bytes.
pub fn check_size(size: usize, max: usize) -> Result<(), DomainError> {
    if size <= max {
        return Ok(());
    }
    let (mib, max_mib) = (size.div_ceil(1024 * 1024), max / (1024 * 1024));
    Err(DomainError::InvalidCode(crate::message!(
        fi: "tiedosto on liian suuri ({size} tavua, noin {mib} MiB): enintään {max} tavua ({max_mib} MiB)",
        sv: "filen är för stor ({size} byte, cirka {mib} MiB): högst {max} byte ({max_mib} MiB)",
        en: "the file is too large ({size} bytes, about {mib} MiB): at most {max} bytes ({max_mib} MiB)",
    )))
}

/// The extensions a file of each accepted type may carry; the first is given to one that has none
/// of them.
fn extensions(media_type: &str) -> &'static [&'static str] {
    match media_type {
        "application/pdf" => &["pdf"],
        "application/msword" => &["doc"],
        "application/vnd.ms-excel" => &["xls"],
        "application/vnd.ms-powerpoint" => &["ppt"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => &["docx"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => &["xlsx"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => &["pptx"],
        "application/vnd.oasis.opendocument.text" => &["odt"],
        "application/vnd.oasis.opendocument.spreadsheet" => &["ods"],
        "application/vnd.oasis.opendocument.presentation" => &["odp"],
        "application/rtf" => &["rtf"],
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg"],
        "image/gif" => &["gif"],
        "image/webp" => &["webp"],
        "image/tiff" => &["tif", "tiff"],
        "image/heif" => &["heic", "heif"],
        _ => &["txt", "csv", "md"],
    }
}

/// Characters that change how a name reads without showing: bidirectional overrides and
/// isolates, zero-width ones, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// A file's name as shown and offered for download: the last part of what the client sent (no
/// folders), without control or invisible characters, ending in an extension of the type its
/// content is (so that "ohje.bat" holding text is saved as "ohje.bat.txt"), at most 255
/// characters; "asiakirja" when nothing is left.
pub fn file_name(sent: &str, media_type: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control() && !invisible(*c)).collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    let stem = if clean.is_empty() { "asiakirja" } else { clean };
    let allowed = extensions(media_type);
    let extension = stem.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    let suffix = match extension {
        Some(e) if allowed.contains(&e.as_str()) => String::new(),
        _ => format!(".{}", allowed[0]),
    };
    let room = 255 - suffix.chars().count();
    let kept: String = stem.chars().take(room).collect();
    format!("{kept}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];

    #[test]
    fn a_pdf_an_image_and_plain_text_are_recognised_by_their_bytes() {
        assert_eq!(media_type(PDF), Ok("application/pdf"));
        assert_eq!(media_type(PNG), Ok("image/png"));
        assert_eq!(media_type("Pöytäkirjanote 11.5.2020 § 7\r\n\tHyväksytään.".as_bytes()), Ok("text/plain"));
    }

    #[test]
    fn executables_archives_empty_and_binary_files_are_refused() {
        let elf = [0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let refused = media_type(&elf).unwrap_err().to_string();
        assert!(refused.contains("is not accepted"), "{refused}");
        let gzip = media_type(&[0x1F, 0x8B, 8, 0, 0, 0, 0, 0]).unwrap_err().to_string();
        assert!(gzip.contains("(application/gzip) is not accepted"), "{gzip}");
        assert!(media_type(b"").is_err());
        assert!(media_type(&[0, 1, 2, 3, 0xFF]).unwrap_err().to_string().contains("unknown binary data"));
        assert!(media_type(b"text with a NUL\0").is_err());
    }

    #[test]
    fn a_file_may_be_as_large_as_the_limit_and_not_a_byte_more() {
        assert_eq!(check_size(DEFAULT_MAX_BYTES, DEFAULT_MAX_BYTES), Ok(()));
        let refused = check_size(DEFAULT_MAX_BYTES + 1, DEFAULT_MAX_BYTES).unwrap_err().to_string();
        assert!(refused.contains("at most 20971520 bytes (20 MiB)"), "{refused}");
    }

    #[test]
    fn a_file_name_keeps_no_folders_and_no_control_characters() {
        const PDF_TYPE: &str = "application/pdf";
        assert_eq!(file_name("../../etc/passwd", "text/plain"), "passwd.txt");
        assert_eq!(file_name("C:\\Users\\arto\\pöytäkirja § 7.pdf", PDF_TYPE), "pöytäkirja § 7.pdf");
        assert_eq!(file_name("a\u{0}b\nc.PDF", PDF_TYPE), "abc.PDF");
        assert_eq!(file_name("../", PDF_TYPE), "asiakirja.pdf");
        assert_eq!(file_name(".htaccess", "text/plain"), "htaccess.txt");
        let long = file_name(&"x".repeat(300), PDF_TYPE);
        assert!(long.chars().count() == 255 && long.ends_with(".pdf"), "{long}");
    }

    #[test]
    fn a_file_name_ends_as_its_content_is_and_hides_nothing() {
        assert_eq!(file_name("maksatusohje.hta", "text/plain"), "maksatusohje.hta.txt");
        assert_eq!(file_name("kuva.jpeg", "image/jpeg"), "kuva.jpeg");
        assert_eq!(file_name("kuva.png", "image/jpeg"), "kuva.png.jpg");
        // A right-to-left override would show "päätösjs.pdf" for a script.
        assert_eq!(file_name("päätös\u{202E}fdp.js", "text/plain"), "päätösfdp.js.txt");
    }
}
