//! Plausible, deterministic company names: a family name or a coined word, an
//! activity, and the legal form of the customer's country.

use rand::Rng;

/// Countries the generator places customers in (ISO 3166-1 alpha-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Country {
    Fr,
    De,
    Gb,
    Us,
}

impl Country {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Country::Fr => "FR",
            Country::De => "DE",
            Country::Gb => "GB",
            Country::Us => "US",
        }
    }

    /// The business-day calendar code the ledger documents for the country (England
    /// and Wales for GB, where most B2B contracts are governed).
    pub(crate) fn calendar(self) -> &'static str {
        match self {
            Country::Fr => "FR",
            Country::De => "DE",
            Country::Gb => "GB-EAW",
            Country::Us => "US",
        }
    }
}

const FR_STEMS: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Francois",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clement",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
];
const FR_ACTIVITIES: &[&str] = &[
    "Logistique",
    "Industries",
    "Batiment",
    "Distribution",
    "Emballages",
    "Transports",
    "Menuiserie",
    "Electricite",
    "Agroalimentaire",
    "Mecanique",
    "Plasturgie",
    "Services",
    "Negoce",
    "Travaux Publics",
    "Informatique",
    "Imprimerie",
    "Chaudronnerie",
    "Froid",
];
const FR_FORMS: &[&str] = &["SA", "SAS", "SARL", "SASU", "EURL"];

const DE_STEMS: &[&str] = &[
    "Mueller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schaefer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schroeder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krueger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
];
const DE_ACTIVITIES: &[&str] = &[
    "Logistik",
    "Maschinenbau",
    "Bau",
    "Handel",
    "Verpackung",
    "Elektrotechnik",
    "Stahlbau",
    "Kunststofftechnik",
    "Spedition",
    "Holzbau",
    "Anlagenbau",
    "Systemtechnik",
    "Feinmechanik",
];
const DE_FORMS: &[&str] = &["GmbH", "AG", "GmbH & Co. KG", "KG", "UG"];

const GB_STEMS: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Hughes",
    "Ashford",
    "Kingsley",
    "Thornbury",
    "Whitfield",
];
const US_STEMS: &[&str] = &[
    "Miller", "Davis", "Anderson", "Moore", "Martin", "Lee", "Harris", "Clark", "Lewis", "Young",
    "Allen", "King", "Scott", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Campbell",
    "Parker", "Collins", "Stewart", "Morris", "Rogers", "Cooper", "Reed", "Bailey", "Lakeside",
    "Summit", "Pioneer", "Keystone", "Redwood", "Granite", "Liberty", "Frontier",
];
const EN_ACTIVITIES: &[&str] = &[
    "Logistics",
    "Industries",
    "Construction",
    "Distribution",
    "Packaging",
    "Engineering",
    "Freight",
    "Supplies",
    "Manufacturing",
    "Building Services",
    "Electrical",
    "Foods",
    "Plastics",
    "Components",
    "Systems",
    "Trading",
    "Fabrication",
    "Holdings",
];
const GB_FORMS: &[&str] = &["Ltd", "Limited", "PLC", "LLP"];
const US_FORMS: &[&str] = &["Inc.", "LLC", "Corp.", "Co."];

fn pick<'a, R: Rng>(rng: &mut R, words: &[&'a str]) -> &'a str {
    // Every list above is non-empty; the fallback only keeps indexing total.
    words
        .get(rng.random_range(0..words.len().max(1)))
        .copied()
        .unwrap_or("Acme")
}

/// A company name for a customer in `country`: "Moreau Logistique SAS",
/// "Braun & Lange GmbH", "Summit Freight LLC".
pub(crate) fn company_name<R: Rng>(rng: &mut R, country: Country) -> String {
    let (stems, activities, forms) = match country {
        Country::Fr => (FR_STEMS, FR_ACTIVITIES, FR_FORMS),
        Country::De => (DE_STEMS, DE_ACTIVITIES, DE_FORMS),
        Country::Gb => (GB_STEMS, EN_ACTIVITIES, GB_FORMS),
        Country::Us => (US_STEMS, EN_ACTIVITIES, US_FORMS),
    };
    let first = pick(rng, stems);
    let form = pick(rng, forms);
    // Three shapes, as seen in real customer files: "Stem Activity Form",
    // "Stem & Stem Form", "Stem Form".
    match rng.random_range(0..10u8) {
        0..=5 => format!("{first} {} {form}", pick(rng, activities)),
        6..=7 => {
            let mut second = pick(rng, stems);
            if second == first {
                second = pick(rng, stems);
            }
            let and = match country {
                Country::Fr => "et",
                Country::De | Country::Gb | Country::Us => "&",
            };
            format!("{first} {and} {second} {form}")
        }
        _ => format!("{first} {form}"),
    }
}
