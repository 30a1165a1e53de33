//! Where each property of an element object sits in its shape, when a compiler knows
//! it ahead.
//!
//! A JSX element with a known tag and plainly named attributes makes an object whose
//! properties are always the same keys in the same order: `type`, the attributes as
//! written, then `children`. Its [`Slots`] says which field of the element's
//! [`RecordShape`](super::shape::RecordShape) each of them fills, so the JSON writer
//! can read the object by position (no key lookups, no tag parsing) for as long as
//! the object is as JSX made it. Every check on the values still runs.
//!
//! ```
//! use contentkit::element::slots::{Slot, Slots};
//! use contentkit::element::ElementKind;
//!
//! let slots = Slots::for_element(ElementKind::Button, &["label", "onPress"]).unwrap();
//! let got: Vec<Slot> = (0..slots.len()).map(|i| slots.slot(i)).collect();
//! let field = |key| ElementKind::Button.shape().fields.iter().position(|f| f.key == key).unwrap();
//! assert_eq!(got, [Slot::Tag, Slot::Field(field("label")), Slot::Field(field("onPress")), Slot::Absent]);
//!
//! // An attribute the element does not have, or one written twice: no slots.
//! assert!(Slots::for_element(ElementKind::Button, &["labl"]).is_none());
//! assert!(Slots::for_element(ElementKind::Button, &["label", "label"]).is_none());
//! ```

use serde::{Deserialize, Serialize};

use super::ElementKind;

/// What one property of a laid-out element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `type`: the element's tag.
    Tag,
    /// Field `i` of the element's shape.
    Field(usize),
    /// `children` on an element that takes none: it must be absent (`undefined`)
    /// for the slots to be read; otherwise the writer reads the object by name and
    /// reports it.
    Absent,
}

const TAG: u8 = u8::MAX;
const ABSENT: u8 = u8::MAX - 1;

/// Where the properties of the object one JSX element makes sit in its shape; see
/// the [module](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSlots", into = "RawSlots")]
pub struct Slots {
    kind: ElementKind,
    slots: Box<[u8]>,
}

/// Slots as images store them: checked when read back.
#[derive(Serialize, Deserialize)]
struct RawSlots {
    kind: u8,
    slots: Box<[u8]>,
}

impl Slots {
    /// The slots of `<kind attrs…>…</kind>`: `type`, then `attrs` in order, then
    /// `children`. `None` when an attribute is not a field of the element, is
    /// written twice, or is `type` or `children` (the JSX runtime gives those other
    /// places in the object).
    pub fn for_element(kind: ElementKind, attrs: &[&str]) -> Option<Slots> {
        let shape = kind.shape();
        // The writer tracks the fields it has seen in a 64-bit mask.
        if shape.fields.len() > 64 {
            return None;
        }
        let field = |key: &str| shape.fields.iter().position(|f| f.key == key);
        let mut slots = Vec::with_capacity(attrs.len() + 2);
        slots.push(TAG);
        for (i, &name) in attrs.iter().enumerate() {
            if name == "type" || name == "children" || attrs[..i].contains(&name) {
                return None;
            }
            slots.push(u8::try_from(field(name)?).ok()?);
        }
        slots.push(match field("children") {
            Some(i) => u8::try_from(i).ok()?,
            None => ABSENT,
        });
        Some(Slots {
            kind,
            slots: slots.into_boxed_slice(),
        })
    }

    /// The element's kind.
    pub fn kind(&self) -> ElementKind {
        self.kind
    }

    /// How many properties the object has.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether it has none (never, for slots [`Slots::for_element`] made).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// What property `i` is (`i < len()`).
    pub fn slot(&self, i: usize) -> Slot {
        match self.slots[i] {
            TAG => Slot::Tag,
            ABSENT => Slot::Absent,
            f => Slot::Field(f as usize),
        }
    }
}

impl TryFrom<RawSlots> for Slots {
    type Error = &'static str;

    fn try_from(raw: RawSlots) -> Result<Slots, &'static str> {
        let kind = *ElementKind::ALL
            .get(raw.kind as usize)
            .ok_or("element slots name no element")?;
        let fields = kind.shape().fields.len();
        let valid = fields <= 64
            && raw.slots.first() == Some(&TAG)
            && raw.slots[1..]
                .iter()
                .all(|&s| s == ABSENT || (s as usize) < fields);
        if !valid {
            return Err("element slots name fields their element does not have");
        }
        Ok(Slots {
            kind,
            slots: raw.slots,
        })
    }
}

impl From<Slots> for RawSlots {
    fn from(l: Slots) -> RawSlots {
        let kind = ElementKind::ALL
            .iter()
            .position(|k| *k == l.kind)
            .unwrap_or(0);
        RawSlots {
            kind: kind as u8,
            slots: l.slots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_of_slots_are_checked_when_read() {
        let good = Slots::for_element(ElementKind::Text, &[]).unwrap();
        let bytes = postcard::to_allocvec(&good).unwrap();
        assert_eq!(postcard::from_bytes::<Slots>(&bytes).unwrap(), good);

        let raw = |kind: u8, slots: &[u8]| {
            postcard::to_allocvec(&RawSlots {
                kind,
                slots: slots.into(),
            })
            .unwrap()
        };
        let n = ElementKind::ALL.len() as u8;
        assert!(postcard::from_bytes::<Slots>(&raw(n, &[TAG])).is_err());
        assert!(postcard::from_bytes::<Slots>(&raw(0, &[])).is_err());
        assert!(postcard::from_bytes::<Slots>(&raw(0, &[0])).is_err());
        assert!(postcard::from_bytes::<Slots>(&raw(0, &[TAG, 200])).is_err());
        assert!(postcard::from_bytes::<Slots>(&raw(0, &[TAG, ABSENT])).is_ok());
    }

    #[test]
    fn children_fill_their_field_or_must_be_absent() {
        let text = Slots::for_element(ElementKind::Text, &[]).unwrap();
        assert!(matches!(text.slot(1), Slot::Field(_)));
        let divider = Slots::for_element(ElementKind::Divider, &["size"]).unwrap();
        assert_eq!(divider.slot(2), Slot::Absent);
        assert!(Slots::for_element(ElementKind::Text, &["children"]).is_none());
        assert!(Slots::for_element(ElementKind::Text, &["type"]).is_none());
    }
}
