//! Dunning letters: the actions of a plan rendered through templates (the core's
//! default English and French ones, or the caller's).
//!
//! The core has letters only with its `letters` feature, which this crate's `letters`
//! feature (on by default) turns on. Without it the functions below still exist, so
//! the header and the ABI do not depend on how the library was built, and return
//! `ENCOURS_UNSUPPORTED` after checking their pointers: the two versions of [`imp`]
//! are the only code that differs.

use std::ffi::c_char;

use crate::convert::{str_arg, text_arg, write, write_alloc_str};
use crate::error::encours_status;

/// Letter language: English.
pub const ENCOURS_LANGUAGE_EN: u32 = 0;
/// Letter language: French.
pub const ENCOURS_LANGUAGE_FR: u32 = 1;

/// A set of letter templates, keyed by language and template key.
///
/// Opaque. Created by `encours_letters_new_default` (the default English and French
/// templates) or `encours_letters_new_empty`, changed by `encours_letters_set_template`,
/// released by `encours_letters_free`. Not synchronized: no thread may render with it
/// while another sets a template; once set up, several threads may render with it at
/// once.
pub struct encours_letters {
    inner: imp::Letters,
}

#[cfg(feature = "letters")]
mod imp {
    use encours_core::dunning::{Action, DunningPlan};
    pub(crate) use encours_core::letters::{Language, Letters};
    use encours_core::letters::{Letter, LetterSettings};

    use super::{ENCOURS_LANGUAGE_EN, ENCOURS_LANGUAGE_FR};
    use crate::convert::{json_arg, to_json};
    use crate::error::Failure;
    use crate::error::encours_status::*;

    pub(crate) fn language(language: u32) -> Result<Language, Failure> {
        match language {
            ENCOURS_LANGUAGE_EN => Ok(Language::En),
            ENCOURS_LANGUAGE_FR => Ok(Language::Fr),
            other => Err(Failure::new(
                ENCOURS_INVALID_ARGUMENT,
                format!("invalid language {other}: expected 0 (English) or 1 (French)"),
            )),
        }
    }

    pub(crate) fn with_defaults() -> Result<Letters, Failure> {
        Ok(Letters::with_defaults())
    }

    pub(crate) fn empty() -> Result<Letters, Failure> {
        Ok(Letters::empty())
    }

    pub(crate) fn set_template(
        letters: &mut Letters,
        language: Language,
        key: &str,
        source: &str,
    ) -> Result<(), Failure> {
        Ok(letters.set_template(language, key, source)?)
    }

    fn settings(sender: &str, payment_instructions: &str) -> LetterSettings {
        LetterSettings {
            sender: sender.to_owned(),
            payment_instructions: payment_instructions.to_owned(),
        }
    }

    pub(crate) fn template_source(
        letters: &Letters,
        language: Language,
        key: &str,
    ) -> Result<String, Failure> {
        letters.template_source(language, key).ok_or_else(|| {
            Failure::new(
                ENCOURS_NOT_FOUND,
                format!(
                    "no template \"{key}\" for language {}: the set has {}",
                    language.code(),
                    match letters.template_keys(language) {
                        keys if keys.is_empty() => "none".to_owned(),
                        keys => keys.join(", "),
                    }
                ),
            )
        })
    }

    pub(crate) fn render_action(
        letters: &Letters,
        action: &str,
        language: Language,
        sender: &str,
        payment_instructions: &str,
    ) -> Result<String, Failure> {
        let action: Action = json_arg(action, "a dunning action")?;
        let letter = letters.render(&action, language, &settings(sender, payment_instructions))?;
        to_json(&letter)
    }

    pub(crate) fn render_plan(
        letters: &Letters,
        plan: &str,
        language: Language,
        sender: &str,
        payment_instructions: &str,
    ) -> Result<String, Failure> {
        let plan: DunningPlan = json_arg(plan, "a dunning plan")?;
        let settings = settings(sender, payment_instructions);
        let rendered = plan
            .actions
            .iter()
            .map(|a| {
                letters
                    .render(a, language, &settings)
                    .map_err(|e| Failure::from(e).context(format!("action \"{}\"", a.id)))
            })
            .collect::<Result<Vec<Letter>, Failure>>()?;
        to_json(&rendered)
    }
}

/// The build without letters: the same functions, each refusing with
/// `ENCOURS_UNSUPPORTED`. `Language` has no value, so nothing past the language
/// check can run.
#[cfg(not(feature = "letters"))]
mod imp {
    use crate::error::Failure;
    use crate::error::encours_status::ENCOURS_UNSUPPORTED;

    pub(crate) enum Language {}

    pub(crate) struct Letters;

    fn unsupported() -> Failure {
        Failure::new(
            ENCOURS_UNSUPPORTED,
            "dunning letters are not available: libencours was built without its \"letters\" feature",
        )
    }

    pub(crate) fn language(_: u32) -> Result<Language, Failure> {
        Err(unsupported())
    }

    pub(crate) fn with_defaults() -> Result<Letters, Failure> {
        Err(unsupported())
    }

    pub(crate) fn empty() -> Result<Letters, Failure> {
        Err(unsupported())
    }

    pub(crate) fn set_template(
        _: &mut Letters,
        language: Language,
        _: &str,
        _: &str,
    ) -> Result<(), Failure> {
        match language {}
    }

    pub(crate) fn template_source(
        _: &Letters,
        language: Language,
        _: &str,
    ) -> Result<String, Failure> {
        match language {}
    }

    pub(crate) fn render_action(
        _: &Letters,
        _: &str,
        language: Language,
        _: &str,
        _: &str,
    ) -> Result<String, Failure> {
        match language {}
    }

    pub(crate) fn render_plan(
        _: &Letters,
        _: &str,
        language: Language,
        _: &str,
        _: &str,
    ) -> Result<String, Failure> {
        match language {}
    }
}

/// # Safety
/// `out` is non-NULL and writable.
unsafe fn hand_out(letters: imp::Letters, out: *mut *mut encours_letters) {
    let boxed = Box::into_raw(Box::new(encours_letters { inner: letters }));
    // SAFETY: forwarded contract.
    unsafe { write(out, boxed) };
}

/// Templates with the default English and French letters: one per channel's default
/// key (`reminder`, `upcoming`, `sms`, `task`, `formal_notice`, `handover`,
/// `escalation`, `thank_you`). On success `*out` owns a new handle (release with
/// `encours_letters_free`). `ENCOURS_UNSUPPORTED` when the library was built without
/// letters. Thread-safe.
///
/// # Safety
/// `out` points to a writable `encours_letters*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_new_default(
    out: *mut *mut encours_letters,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let letters = imp::with_defaults()?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(letters, out) };
        Ok(())
    }
}

/// Templates with no template at all: every action needs one set with
/// `encours_letters_set_template`. On success `*out` owns a new handle (release with
/// `encours_letters_free`). `ENCOURS_UNSUPPORTED` when the library was built without
/// letters. Thread-safe.
///
/// # Safety
/// `out` points to a writable `encours_letters*`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_new_empty(
    out: *mut *mut encours_letters,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        let letters = imp::empty()?;
        // SAFETY: checked non-NULL.
        unsafe { hand_out(letters, out) };
        Ok(())
    }
}

/// Release templates. `NULL` is a no-op.
///
/// # Safety
/// `letters` is NULL or a handle from this library not yet freed, and no other thread
/// uses it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_free(letters: *mut encours_letters) {
    ffi_boundary! { value;
        if !letters.is_null() {
            // SAFETY: the pointer came from Box::into_raw in hand_out.
            drop(unsafe { Box::from_raw(letters) });
        }
    }
}

/// Add or replace the template of `key` (NUL-terminated: a step's `template` key, or a
/// channel's default key such as `reminder`) in `language` (`ENCOURS_LANGUAGE_*`).
/// `source` (`source_len` bytes of UTF-8, no NUL needed) is a minijinja template; a
/// first line starting with `Subject:` gives the letter's subject. Templates see every
/// field of the action (`customer_name`, `items`, `total_claimed`, `total_due`, `fee`,
/// `next_step`…), `sender`, `payment_instructions` and `lang`, and the filters `money`
/// (`{{ total_due | money }}`: `1,234.50 EUR` or `1 234,50 EUR`) and `channel`.
///
/// Statuses: `ENCOURS_TEMPLATE_INVALID` when the template does not compile (the message
/// names the key and the language and gives the reason; the templates are then
/// unchanged), `ENCOURS_INVALID_ARGUMENT` for an unknown language, `ENCOURS_INVALID_UTF8`,
/// `ENCOURS_UNSUPPORTED` when the library was built without letters. Not synchronized
/// (see `encours_letters`).
///
/// # Safety
/// `letters` is a live handle; `key` is NUL-terminated; `source` points to
/// `source_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_set_template(
    letters: *mut encours_letters,
    language: u32,
    key: *const c_char,
    source: *const c_char,
    source_len: usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(letters => "letters");
        // SAFETY: NUL-terminated key and readable source by contract.
        let (key, source) = unsafe { (str_arg(key, "key")?, text_arg(source, source_len, "source")?) };
        let language = imp::language(language)?;
        // SAFETY: non-NULL live handle, used by no other thread meanwhile, by contract.
        let l = unsafe { &mut (*letters).inner };
        imp::set_template(l, language, key, source)
    }
}

/// The source of the template `key` (NUL-terminated) in `language`
/// (`ENCOURS_LANGUAGE_*`), for instance a default to start your own from. `*out`
/// receives it, owned by the caller (release with `encours_string_free`).
///
/// Statuses: `ENCOURS_NOT_FOUND` when the set has no such template (the message lists
/// the keys it has), `ENCOURS_INVALID_ARGUMENT` for an unknown language,
/// `ENCOURS_INVALID_UTF8`, `ENCOURS_UNSUPPORTED` when the library was built without
/// letters. Reads the templates only (see `encours_letters` on threads).
///
/// # Safety
/// `letters` is a live handle; `key` is NUL-terminated; `out` is writable; `out_len`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_template_source(
    letters: *const encours_letters,
    language: u32,
    key: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        check_null!(letters => "letters");
        // SAFETY: NUL-terminated key by contract.
        let key = unsafe { str_arg(key, "key")? };
        let language = imp::language(language)?;
        // SAFETY: non-NULL live handle by contract.
        let l = unsafe { &(*letters).inner };
        let source = imp::template_source(l, language, key)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(source, out, out_len) }
    }
}

/// Render one action of a plan as a letter: `action_json` (`action_len` bytes) is one
/// element of the `actions` array of a plan from `encours_dunning_plan_json`, rendered
/// in `language` (`ENCOURS_LANGUAGE_*`) with the template of the action's `template`
/// key, or when there is none, the default key of its channel. `sender` (the
/// signature) and `payment_instructions` (bank details, a portal link) are
/// NUL-terminated and may be `""`.
///
/// `*out` receives the letter as JSON in the core's form (`{"action_id": ...,
/// "channel": "letter", "language": "fr", "template": "reminder", "subject": "Relance
/// — 1 234,50 EUR échus", "body": "..."}`, `subject` null when the template has no
/// `Subject:` line), owned by the caller (release with `encours_string_free`).
///
/// Statuses: `ENCOURS_INVALID_JSON` for a malformed action, `ENCOURS_TEMPLATE_MISSING`
/// when neither key has a template in the language, `ENCOURS_TEMPLATE_RENDER_FAILED`
/// when the template fails while rendering, `ENCOURS_INVALID_ARGUMENT` for an unknown
/// language, `ENCOURS_INVALID_UTF8`, `ENCOURS_UNSUPPORTED` when the library was built
/// without letters. Reads the templates only (see `encours_letters` on threads).
///
/// # Safety
/// `letters` is a live handle; `action_json` points to `action_len` readable bytes;
/// `sender` and `payment_instructions` are NUL-terminated; `out` is writable; `out_len`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_render_json(
    letters: *const encours_letters,
    action_json: *const c_char,
    action_len: usize,
    language: u32,
    sender: *const c_char,
    payment_instructions: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        check_null!(letters => "letters");
        // SAFETY: live handle, readable buffer and NUL-terminated strings by contract.
        let (l, action, sender, payment) = unsafe {
            (
                &(*letters).inner,
                text_arg(action_json, action_len, "action_json")?,
                str_arg(sender, "sender")?,
                str_arg(payment_instructions, "payment_instructions")?,
            )
        };
        let json = imp::render_action(l, action, imp::language(language)?, sender, payment)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(json, out, out_len) }
    }
}

/// Render every action of a plan (`plan_json`, `plan_len` bytes, from
/// `encours_dunning_plan_json`) as `encours_letters_render_json` renders one: `*out`
/// receives a JSON array of letters in the order of the plan's actions (`[]` for a
/// plan without action), owned by the caller (release with `encours_string_free`).
/// Statuses as `encours_letters_render_json`; the message of a template error names
/// the action. Reads the templates only (see `encours_letters` on threads).
///
/// # Safety
/// `letters` is a live handle; `plan_json` points to `plan_len` readable bytes;
/// `sender` and `payment_instructions` are NUL-terminated; `out` is writable; `out_len`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn encours_letters_render_plan_json(
    letters: *const encours_letters,
    plan_json: *const c_char,
    plan_len: usize,
    language: u32,
    sender: *const c_char,
    payment_instructions: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> encours_status {
    ffi_boundary! { status;
        check_null!(out);
        check_null!(letters => "letters");
        // SAFETY: live handle, readable buffer and NUL-terminated strings by contract.
        let (l, plan, sender, payment) = unsafe {
            (
                &(*letters).inner,
                text_arg(plan_json, plan_len, "plan_json")?,
                str_arg(sender, "sender")?,
                str_arg(payment_instructions, "payment_instructions")?,
            )
        };
        let json = imp::render_plan(l, plan, imp::language(language)?, sender, payment)?;
        // SAFETY: checked non-NULL.
        unsafe { write_alloc_str(json, out, out_len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::encours_status::*;
    use std::ptr;

    #[cfg(feature = "letters")]
    #[test]
    fn templates_may_be_read_from_several_threads() {
        // The header promises concurrent rendering with one handle.
        fn sync_and_send<T: Sync + Send>() {}
        sync_and_send::<encours_letters>();
    }

    #[cfg(feature = "letters")]
    #[test]
    fn a_template_error_keeps_the_templates() {
        let mut l: *mut encours_letters = ptr::null_mut();
        assert_eq!(unsafe { encours_letters_new_empty(&mut l) }, ENCOURS_OK);
        let good = "Subject: S\nbody";
        let bad = "{% if %}";
        unsafe {
            assert_eq!(
                encours_letters_set_template(
                    l,
                    ENCOURS_LANGUAGE_EN,
                    c"k".as_ptr(),
                    good.as_ptr().cast(),
                    good.len()
                ),
                ENCOURS_OK
            );
            assert_eq!(
                encours_letters_set_template(
                    l,
                    ENCOURS_LANGUAGE_EN,
                    c"k".as_ptr(),
                    bad.as_ptr().cast(),
                    bad.len()
                ),
                ENCOURS_TEMPLATE_INVALID
            );
            assert_eq!(
                encours_letters_set_template(l, 2, c"k".as_ptr(), good.as_ptr().cast(), good.len()),
                ENCOURS_INVALID_ARGUMENT
            );
            encours_letters_free(l);
        }
    }

    #[cfg(not(feature = "letters"))]
    #[test]
    fn without_the_feature_every_function_is_unsupported() {
        let mut l: *mut encours_letters = ptr::null_mut();
        let mut out: *mut c_char = ptr::null_mut();
        let src = "x";
        unsafe {
            assert_eq!(encours_letters_new_default(&mut l), ENCOURS_UNSUPPORTED);
            assert_eq!(encours_letters_new_empty(&mut l), ENCOURS_UNSUPPORTED);
            assert!(l.is_null());
            // A handle cannot exist without the feature; a dangling one is never read
            // because the language check refuses first.
            let fake = ptr::NonNull::<encours_letters>::dangling().as_ptr();
            assert_eq!(
                encours_letters_set_template(
                    fake,
                    ENCOURS_LANGUAGE_EN,
                    c"k".as_ptr(),
                    src.as_ptr().cast(),
                    1
                ),
                ENCOURS_UNSUPPORTED
            );
            assert_eq!(
                encours_letters_render_json(
                    fake,
                    src.as_ptr().cast(),
                    1,
                    ENCOURS_LANGUAGE_FR,
                    c"".as_ptr(),
                    c"".as_ptr(),
                    &mut out,
                    ptr::null_mut()
                ),
                ENCOURS_UNSUPPORTED
            );
            assert!(out.is_null());
        }
    }
}
