//! Dunning letters: each [`Action`] rendered through a template (minijinja), with
//! default English and French templates per channel that an integrator replaces.
//!
//! Only with the `letters` feature. Template lookup for an action: the step's
//! `template` key in the language asked for, then the channel's default key
//! (`reminder`, `upcoming`, `sms`, `task`, `formal_notice`, `handover`, `escalation`,
//! `thank_you`). A template whose first line starts with `Subject:` gives the subject.
//!
//! Templates see every field of the action (`items`, `total_claimed`, `fee`,
//! `next_step`…), plus `sender`, `payment_instructions`, `lang`, a `money` filter
//! that formats an amount for the language (`1,234.50 EUR`, `1 234,50 EUR`) and a
//! `channel` filter that names a channel in it (`formal notice`, `mise en demeure`).
//!
//! ```
//! use encours_core::dunning::{plan, Channel, DunningConfig, History, PlanContext, Scenario, Step};
//! use encours_core::ledger::{Customer, Item, Ledger};
//! use encours_core::letters::{Language, LetterSettings, Letters};
//! use encours_core::money::{Currency, Money};
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
//! let ledger = Ledger::new(vec![Customer::new("C1", "Dupont SA", Currency::EUR)],
//!     vec![Item::invoice("F-1", "C1", d(1, 2), d(2, 1), Money::from_minor(123_450, Currency::EUR))], vec![], vec![])?;
//! let config = DunningConfig::new(vec![Scenario::new("s", vec![Step::new("r1", 5, Channel::Letter, "reminder")])], "s")?;
//! let today = plan(&PlanContext::new(&ledger, &config), &History::default(), d(2, 6))?;
//! let settings = LetterSettings { sender: "ACME credit team".into(), payment_instructions: "IBAN FR76 …".into() };
//! let letter = Letters::with_defaults().render(&today.actions[0], Language::Fr, &settings)?;
//! assert_eq!(letter.subject.as_deref(), Some("Relance — 1\u{202f}234,50 EUR échus"));
//! assert!(letter.body.contains("- F-1 échue le 2024-02-01 (5 jours de retard) : 1\u{202f}234,50 EUR"));
//! # Ok::<(), encours_core::Error>(())
//! ```

use minijinja::{Environment, State, Value};
use serde::{Deserialize, Serialize};

use crate::dunning::{Action, ActionKind, Channel};

/// What can go wrong rendering letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LetterError {
    /// A template does not compile.
    #[error("invalid template \"{key}\" ({language}): {message}")]
    InvalidTemplate {
        /// Template key.
        key: String,
        /// Language code.
        language: &'static str,
        /// The template engine's message.
        message: String,
    },
    /// No template for the action's key nor for its channel's default.
    #[error("no template \"{key}\" nor \"{fallback}\" for language {language}")]
    MissingTemplate {
        /// The step's key.
        key: String,
        /// The channel's default key.
        fallback: &'static str,
        /// Language code.
        language: &'static str,
    },
    /// Rendering failed.
    #[error("rendering template \"{key}\" ({language}) failed: {message}")]
    Render {
        /// Template key.
        key: String,
        /// Language code.
        language: &'static str,
        /// The template engine's message.
        message: String,
    },
}

/// A letter's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
}

impl Language {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// What the templates need besides the action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterSettings {
    /// Signature (company or team).
    pub sender: String,
    /// How to pay (bank details, portal link): a placeholder the integrator fills.
    pub payment_instructions: String,
}

/// A rendered letter or message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// The action rendered.
    pub action_id: String,
    /// Its channel.
    pub channel: Channel,
    /// The language.
    pub language: Language,
    /// The template key used.
    pub template: String,
    /// Subject, when the template gives one.
    pub subject: Option<String>,
    /// Body.
    pub body: String,
}

/// What a template sees: the action's fields and the settings.
#[derive(Serialize)]
struct LetterContext<'a> {
    #[serde(flatten)]
    action: &'a Action,
    lang: &'static str,
    sender: &'a str,
    payment_instructions: &'a str,
    total_indemnities_positive: bool,
    total_interest_positive: bool,
}

/// A set of templates.
#[derive(Debug, Clone)]
pub struct Letters {
    env: Environment<'static>,
}

macro_rules! defaults {
    ($($lang:literal / $key:literal),* $(,)?) => {
        &[$(($lang, $key, include_str!(concat!("../templates/", $lang, "/", $key, ".txt")))),*]
    };
}

const DEFAULT_TEMPLATES: &[(&str, &str, &str)] = defaults![
    "en" / "reminder",
    "en" / "upcoming",
    "en" / "formal_notice",
    "en" / "sms",
    "en" / "task",
    "en" / "handover",
    "en" / "escalation",
    "en" / "thank_you",
    "fr" / "reminder",
    "fr" / "upcoming",
    "fr" / "formal_notice",
    "fr" / "sms",
    "fr" / "task",
    "fr" / "handover",
    "fr" / "escalation",
    "fr" / "thank_you",
];

/// The default template key of a channel and action kind.
pub fn default_template_key(channel: Channel, kind: ActionKind, pre_due: bool) -> &'static str {
    match (kind, channel) {
        (ActionKind::ThankYou, _) => "thank_you",
        (ActionKind::Escalation, _) => "escalation",
        (_, Channel::Email | Channel::Letter) if pre_due => "upcoming",
        (_, Channel::Email | Channel::Letter) => "reminder",
        (_, Channel::Sms) => "sms",
        (_, Channel::PhoneCall | Channel::CollectorTask | Channel::InternalEscalation) => "task",
        (_, Channel::FormalNotice) => "formal_notice",
        (_, Channel::Litigation | Channel::CollectionAgency) => "handover",
    }
}

/// Format an amount string for a language: `1234.5` → `1,234.50` or `1 234,50`.
fn format_amount(amount: &str, minor_units: usize, language: Language) -> String {
    let (sign, digits) = amount.strip_prefix('-').map_or(("", amount), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut frac = frac.to_owned();
    while frac.len() < minor_units {
        frac.push('0');
    }
    let (group, decimal) = match language {
        Language::En => (",", "."),
        Language::Fr => ("\u{202f}", ","),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push_str(group);
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{decimal}{frac}")
    }
}

fn money_filter(state: &State<'_, '_>, value: Value) -> Result<String, minijinja::Error> {
    let language = language_of(state);
    let amount = value.get_attr("amount")?;
    let currency = value.get_attr("currency")?;
    let amount = amount
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| amount.to_string());
    let code = currency.as_str().map(str::to_owned).unwrap_or_else(|| {
        currency
            .get_attr("code")
            .ok()
            .and_then(|c| c.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let units = crate::money::Currency::from_code(&code).map_or(2, |c| c.minor_units() as usize);
    Ok(format!(
        "{} {code}",
        format_amount(&amount, units, language)
    ))
}

fn channel_label(channel: &str, language: Language) -> &str {
    match (language, channel) {
        (Language::En, "email") => "e-mail",
        (Language::En, "sms") => "text message",
        (Language::En, "phone_call") => "phone call",
        (Language::En, "collector_task") => "call from our collector",
        (Language::En, "formal_notice") => "formal notice",
        (Language::En, "litigation") => "legal action",
        (Language::En, "collection_agency") => "collection agency",
        (Language::En, "internal_escalation") => "review by your account manager",
        (Language::Fr, "email") => "courriel",
        (Language::Fr, "letter") => "courrier",
        (Language::Fr, "sms") => "SMS",
        (Language::Fr, "phone_call") => "appel téléphonique",
        (Language::Fr, "collector_task") => "appel de notre chargé de recouvrement",
        (Language::Fr, "formal_notice") => "mise en demeure",
        (Language::Fr, "litigation") => "procédure contentieuse",
        (Language::Fr, "collection_agency") => "société de recouvrement",
        (Language::Fr, "internal_escalation") => "revue par votre interlocuteur commercial",
        (_, other) => other,
    }
}

fn language_of(state: &State<'_, '_>) -> Language {
    match state
        .lookup("lang")
        .and_then(|l| l.as_str().map(str::to_owned))
        .as_deref()
    {
        Some("fr") => Language::Fr,
        _ => Language::En,
    }
}

fn channel_filter(state: &State<'_, '_>, value: String) -> String {
    channel_label(&value, language_of(state)).to_owned()
}

impl Letters {
    /// The default English and French templates.
    pub fn with_defaults() -> Letters {
        let mut letters = Letters::empty();
        for (lang, key, source) in DEFAULT_TEMPLATES {
            // The defaults are tested to compile; a failure here would be a build defect.
            let _ = letters
                .env
                .add_template_owned(format!("{lang}/{key}"), (*source).to_owned());
        }
        letters
    }

    /// No templates at all.
    pub fn empty() -> Letters {
        let mut env = Environment::new();
        env.add_filter("money", money_filter);
        env.add_filter("channel", channel_filter);
        Letters { env }
    }

    /// Add or replace a template.
    ///
    /// # Errors
    /// [`LetterError::InvalidTemplate`] when it does not compile. A filter or variable
    /// the template engine does not know is only found when rendering
    /// ([`LetterError::Render`]): render a sample action after replacing a template.
    ///
    /// # Example
    /// ```
    /// use encours_core::letters::{Language, Letters};
    /// let mut l = Letters::with_defaults();
    /// l.set_template(Language::En, "reminder", "Subject: Pay {{ total_due | money }}\nPlease pay.")?;
    /// assert!(l.set_template(Language::En, "broken", "{% if %}").is_err());
    /// # Ok::<(), encours_core::letters::LetterError>(())
    /// ```
    pub fn set_template(
        &mut self,
        language: Language,
        key: &str,
        source: &str,
    ) -> Result<(), LetterError> {
        self.env
            .add_template_owned(format!("{}/{key}", language.code()), source.to_owned())
            .map_err(|e| LetterError::InvalidTemplate {
                key: key.to_owned(),
                language: language.code(),
                message: e.to_string(),
            })
    }

    /// The source of the template `key` in `language`, to start your own from a
    /// default; `None` when there is none.
    ///
    /// # Example
    /// ```
    /// use encours_core::letters::{Language, Letters};
    /// let l = Letters::with_defaults();
    /// assert!(l.template_source(Language::Fr, "reminder").unwrap().starts_with("Subject: Relance"));
    /// assert!(l.template_source(Language::Fr, "nope").is_none());
    /// ```
    pub fn template_source(&self, language: Language, key: &str) -> Option<String> {
        self.env
            .get_template(&format!("{}/{key}", language.code()))
            .ok()
            .map(|t| t.source().to_owned())
    }

    /// The template keys there are for `language`, sorted.
    ///
    /// # Example
    /// ```
    /// use encours_core::letters::{Language, Letters};
    /// assert_eq!(Letters::with_defaults().template_keys(Language::En),
    ///     ["escalation", "formal_notice", "handover", "reminder", "sms", "task", "thank_you", "upcoming"]);
    /// assert!(Letters::empty().template_keys(Language::En).is_empty());
    /// ```
    pub fn template_keys(&self, language: Language) -> Vec<String> {
        let prefix = format!("{}/", language.code());
        let mut keys: Vec<String> = self
            .env
            .templates()
            .filter_map(|(name, _)| name.strip_prefix(&prefix).map(str::to_owned))
            .collect();
        keys.sort();
        keys
    }

    /// Render an action.
    ///
    /// # Errors
    /// [`LetterError::MissingTemplate`] when neither the step's key nor the channel's
    /// default has a template; [`LetterError::Render`] when rendering fails.
    ///
    /// # Example
    /// See the [module documentation](self).
    pub fn render(
        &self,
        action: &Action,
        language: Language,
        settings: &LetterSettings,
    ) -> Result<Letter, LetterError> {
        let pre_due = action.items.iter().all(|i| i.days_overdue < 0) && !action.items.is_empty();
        let fallback = default_template_key(action.channel, action.kind, pre_due);
        let lang = language.code();
        let (key, template) = match self
            .env
            .get_template(&format!("{lang}/{}", action.template))
        {
            Ok(t) => (action.template.clone(), t),
            Err(_) => match self.env.get_template(&format!("{lang}/{fallback}")) {
                Ok(t) => (fallback.to_owned(), t),
                Err(_) => {
                    return Err(LetterError::MissingTemplate {
                        key: action.template.clone(),
                        fallback,
                        language: lang,
                    });
                }
            },
        };
        let ctx = LetterContext {
            action,
            lang,
            sender: &settings.sender,
            payment_instructions: &settings.payment_instructions,
            total_indemnities_positive: action.total_indemnities.is_positive(),
            total_interest_positive: action.total_interest.is_positive(),
        };
        let text = template
            .render(Value::from(minijinja::value::Serde(&ctx)))
            .map_err(|e| LetterError::Render {
                key: key.clone(),
                language: lang,
                message: e.to_string(),
            })?;
        let (subject, body) = match text.split_once('\n') {
            Some((first, rest)) if first.starts_with("Subject:") => (
                Some(first.trim_start_matches("Subject:").trim().to_owned()),
                rest.to_owned(),
            ),
            _ => (None, text),
        };
        Ok(Letter {
            action_id: action.id.clone(),
            channel: action.channel,
            language,
            template: key,
            subject,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_formatted_per_language() {
        assert_eq!(format_amount("1234567.5", 2, Language::En), "1,234,567.50");
        assert_eq!(
            format_amount("1234567.5", 2, Language::Fr),
            "1\u{202f}234\u{202f}567,50"
        );
        assert_eq!(format_amount("-12", 0, Language::En), "-12");
        assert_eq!(format_amount("999.125", 3, Language::Fr), "999,125");
    }

    #[test]
    fn every_default_template_compiles() {
        let letters = Letters::with_defaults();
        for (lang, key, _) in DEFAULT_TEMPLATES {
            assert!(
                letters.env.get_template(&format!("{lang}/{key}")).is_ok(),
                "{lang}/{key}"
            );
        }
    }
}
