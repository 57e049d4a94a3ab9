//! Fingerprints of serialisable values: a serde `Serializer` that feeds a hasher directly, so
//! the page cache can tell whether a page's template inputs changed without formatting them.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;

use serde::ser::{self, Serialize};

/// A template context value: it can be fingerprinted and converted for Tera.
pub(crate) trait Part: Send {
    fn feed(&self, h: &mut DefaultHasher);
    fn feed_strong(&self, h: &mut Strong);
    fn to_value(&self) -> tera::Value;
}

impl<T: Serialize + Send + ?Sized> Part for T {
    fn feed(&self, h: &mut DefaultHasher) {
        // Hashing cannot fail; `Never` has no values.
        let _ = self.serialize(&mut HashSer(h));
    }

    fn feed_strong(&self, h: &mut Strong) {
        let _ = self.serialize(&mut HashSer(h));
    }

    fn to_value(&self) -> tera::Value {
        tera::Value::from_serializable(self)
    }
}

/// A 64-bit fingerprint of `parts`, in order, seeded.
pub(crate) fn fingerprint(seed: u64, parts: &[&dyn Part]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write_u64(seed);
    for p in parts {
        p.feed(&mut h);
        h.write_u8(0xfe);
    }
    h.finish()
}

/// A key that outlives the process (the build's page cache on disk): 32 bytes of SHA-256.
pub(crate) type Key = [u8; 32];

/// SHA-256 behind `std::hash::Hasher`, for keys kept between builds: a 64-bit hash could be
/// made to collide by someone who writes two versions of a record, and a page of the first
/// would then be published for the second.
#[derive(Clone, Default)]
pub(crate) struct Strong(sha2::Sha256);

impl Hasher for Strong {
    fn write(&mut self, bytes: &[u8]) {
        sha2::Digest::update(&mut self.0, bytes);
    }

    fn finish(&self) -> u64 {
        let d = self.clone().key();
        u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
    }
}

impl Strong {
    /// The whole digest.
    pub(crate) fn key(self) -> Key {
        sha2::Digest::finalize(self.0).into()
    }
}

/// [`fingerprint`] with SHA-256, for keys kept between builds.
pub(crate) fn fingerprint_strong(seed: &Key, parts: &[&dyn Part]) -> Key {
    let mut h = Strong::default();
    h.write(seed);
    for p in parts {
        p.feed_strong(&mut h);
        h.write_u8(0xfe);
    }
    h.key()
}

/// Never produced: hashing cannot fail.
#[derive(Debug)]
pub(crate) struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unreachable")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

/// Writes a tag byte before each value so that different shapes never hash alike.
pub(crate) struct HashSer<'a, H: Hasher>(&'a mut H);

impl<H: Hasher> HashSer<'_, H> {
    fn tag(&mut self, t: u8) {
        self.0.write_u8(t);
    }

    fn bytes(&mut self, t: u8, b: &[u8]) {
        self.0.write_u8(t);
        self.0.write_usize(b.len());
        self.0.write(b);
    }
}

type R = Result<(), Never>;

impl<'a, 'b, H: Hasher> ser::Serializer for &'a mut HashSer<'b, H> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> R {
        self.bytes(1, &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R {
        self.bytes(2, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R {
        self.bytes(3, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        self.bytes(4, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> R {
        self.bytes(5, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.bytes(6, v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.tag(7);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R {
        self.tag(8);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.tag(9);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        self.bytes(10, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(11);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Self, Never> {
        self.bytes(12, variant.as_bytes());
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(13);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Self, Never> {
        self.bytes(14, variant.as_bytes());
        Ok(self)
    }
}

macro_rules! compound {
    ($($trait:ident { $($fn:ident $(, $key:ident)?);* }),*) => {$(
        impl<'a, 'b, H: Hasher> ser::$trait for &'a mut HashSer<'b, H> {
            type Ok = ();
            type Error = Never;
            $(fn $fn<T: ?Sized + Serialize>(&mut self, $($key: &'static str,)? value: &T) -> R {
                $(self.bytes(15, $key.as_bytes());)?
                value.serialize(&mut **self)
            })*
            fn end(self) -> R {
                self.tag(16);
                Ok(())
            }
        }
    )*};
}

compound!(
    SerializeSeq { serialize_element },
    SerializeTuple { serialize_element },
    SerializeTupleStruct { serialize_field },
    SerializeTupleVariant { serialize_field },
    SerializeStruct { serialize_field, key },
    SerializeStructVariant { serialize_field, key }
);

impl<'a, 'b, H: Hasher> ser::SerializeMap for &'a mut HashSer<'b, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> R {
        self.tag(17);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(16);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_values_differ_and_equal_values_agree() {
        let a = serde_json::json!({"title": "A", "n": [1, 2], "x": null});
        let b = serde_json::json!({"title": "B", "n": [1, 2], "x": null});
        assert_eq!(fingerprint(1, &[&a]), fingerprint(1, &[&a.clone()]));
        assert_ne!(fingerprint(1, &[&a]), fingerprint(1, &[&b]));
        assert_ne!(fingerprint(1, &[&a]), fingerprint(2, &[&a]));
        // Shapes do not collide: ["ab"] vs ["a", "b"], Some(x) vs x.
        assert_ne!(fingerprint(0, &[&vec!["ab"]]), fingerprint(0, &[&vec!["a", "b"]]));
        assert_ne!(fingerprint(0, &[&Some(1u8)]), fingerprint(0, &[&1u8]));
    }
}
