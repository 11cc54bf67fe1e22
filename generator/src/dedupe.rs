//! Types that are the same in everything but their name and docs are emitted once; the others
//! become type aliases of it, so every name the spec gives still exists. Stripe repeats the
//! same inline shapes across operations (an address, a `created` range, a list of `expand`
//! paths), and about half of the types of the whole spec are such copies: each would cost its
//! derives and its decoder in the build.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::{AliasDef, Api, Home, TypeDef, TypeId, TypeRef};

pub fn dedupe(api: &mut Api) {
    let n = api.types.len();
    // Partition refinement: start from each type's own shape with every reference alike, then
    // tell references apart by the class of what they name, until no class splits further.
    let mut class = vec![0usize; n];
    let mut count = 0;
    loop {
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let next: Vec<usize> = (0..n)
            .map(|i| {
                let key = shape(&api.types[i], &class);
                let fresh = ids.len();
                *ids.entry(key).or_insert(fresh)
            })
            .collect();
        class = next;
        if ids.len() == count {
            break;
        }
        count = ids.len();
    }

    // Each class keeps one type: a shared one (`crate::types`) if it has one, else the first.
    let mut keeper: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, &c) in class.iter().enumerate() {
        let entry = keeper.entry(c).or_insert(i);
        let shared = |j: usize| *api.types[j].home() == Home::Shared;
        if shared(i) && !shared(*entry) {
            *entry = i;
        }
    }
    let keep: Vec<TypeId> = (0..n).map(|i| TypeId(keeper[&class[i]])).collect();
    if keep.iter().enumerate().all(|(i, k)| k.0 == i) {
        return;
    }

    // References keep naming the alias, so a field still reads `issued_date: IssuedDate`; the
    // emitter looks through aliases where it needs the definition.
    for (i, target) in keep.iter().enumerate() {
        if target.0 != i {
            let def = &api.types[i];
            let alias = AliasDef {
                name: def.name().clone(),
                home: def.home().clone(),
                docs: def.docs().map(str::to_owned),
                target: *target,
            };
            api.types[i] = TypeDef::Alias(alias);
        }
    }
}

/// Everything about a type that its generated code depends on, except its own name, home and
/// docs, with references written as the class of what they name.
fn shape(def: &TypeDef, class: &[usize]) -> String {
    let mut out = String::new();
    match def {
        TypeDef::Struct(s) => {
            let _ = write!(out, "struct {:?} {} ", s.direction, s.has_id);
            match &s.additional {
                Some(ty) => ty_shape(&mut out, ty, class),
                None => out.push('-'),
            }
            for f in &s.fields {
                let _ = write!(
                    out,
                    "|{} {} {} {} {:?} ",
                    f.name.api, f.name.rust, f.required, f.nullable, f.wire
                );
                ty_shape(&mut out, &f.ty, class);
            }
        }
        TypeDef::Enum(e) => {
            let _ = write!(out, "enum {:?}", e.kind);
            for v in &e.variants {
                let _ = write!(out, "|{} {}", v.api, v.rust);
            }
        }
        TypeDef::Union(u) => {
            let _ = write!(out, "union {:?}", u.direction);
            for v in &u.values {
                let _ = write!(out, "|{} {}", v.api, v.rust);
            }
            let _ = write!(out, "|{:?};", u.discriminator);
            for (name, ty) in &u.variants {
                let _ = write!(out, "|{name} ");
                ty_shape(&mut out, ty, class);
            }
        }
        // Aliases only appear after deduplication.
        TypeDef::Alias(a) => {
            let _ = write!(out, "alias {}", class[a.target.0]);
        }
    }
    out
}

fn ty_shape(out: &mut String, ty: &TypeRef, class: &[usize]) {
    let (wrapper, inner) = match ty {
        TypeRef::Named(id) => return out.push_str(&format!("N{}", class[id.0])),
        TypeRef::Expandable(id) => return out.push_str(&format!("X{}", class[id.0])),
        TypeRef::Array(inner) => ("A", inner),
        TypeRef::Map(inner) => ("M", inner),
        TypeRef::Clearable(inner) => ("C", inner),
        TypeRef::List(inner) => ("L", inner),
        TypeRef::SearchList(inner) => ("S", inner),
        other => return out.push_str(&format!("{other:?}")),
    };
    out.push_str(wrapper);
    out.push('(');
    ty_shape(out, inner, class);
    out.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, EnumDef, Field, Name, StructDef, Wire};

    fn name(s: &str) -> Name {
        Name {
            api: s.to_owned(),
            rust: s.to_owned(),
        }
    }

    fn module(m: &str) -> Home {
        Home::Module(vec![m.to_owned()])
    }

    fn status(n: &str, home: Home, values: &[&str]) -> TypeDef {
        TypeDef::Enum(EnumDef {
            name: name(n),
            home,
            docs: Some(format!("{n}'s own docs")),
            variants: values.iter().map(|v| name(v)).collect(),
            kind: crate::model::EnumKind::String,
        })
    }

    fn object(n: &str, home: Home, fields: &[(&str, TypeRef)]) -> TypeDef {
        TypeDef::Struct(StructDef {
            name: name(n),
            home,
            direction: Direction::Request,
            docs: None,
            fields: fields
                .iter()
                .map(|(f, ty)| Field {
                    name: name(f),
                    docs: None,
                    ty: ty.clone(),
                    required: false,
                    nullable: false,
                    wire: Wire::Body,
                })
                .collect(),
            has_id: false,
            additional: None,
        })
    }

    fn api(types: Vec<TypeDef>) -> Api {
        Api {
            title: "t".into(),
            version: "1".into(),
            base_url: "https://x".into(),
            server_template: String::new(),
            server_variables: Vec::new(),
            security_schemes: Vec::new(),
            key_scheme: None,
            default_security: Vec::new(),
            operations: Vec::new(),
            types,
            error_body: None,
            warnings: Vec::new(),
            components: Default::default(),
            left_out: Vec::new(),
            event: None,
        }
    }

    fn target(api: &Api, i: usize) -> Option<usize> {
        match &api.types[i] {
            TypeDef::Alias(a) => Some(a.target.0),
            _ => None,
        }
    }

    #[test]
    fn same_shapes_become_aliases_of_one_type_and_keep_their_names() {
        let mut api = api(vec![
            status("AStatus", module("a"), &["on", "off"]),
            status("BStatus", module("b"), &["on", "off"]),
            status("Shared", Home::Shared, &["on", "off"]),
            status("Other", module("a"), &["on", "off", "gone"]),
            object(
                "AThing",
                module("a"),
                &[("status", TypeRef::Named(TypeId(0)))],
            ),
            object(
                "BThing",
                module("b"),
                &[("status", TypeRef::Named(TypeId(1)))],
            ),
            object(
                "CThing",
                module("b"),
                &[("status", TypeRef::Named(TypeId(3)))],
            ),
        ]);
        dedupe(&mut api);
        // The shared one is kept even though it comes later.
        assert_eq!(
            [target(&api, 0), target(&api, 1), target(&api, 2)],
            [Some(2), Some(2), None]
        );
        assert_eq!(target(&api, 3), None, "different variants");
        // Structs that differ only in which (equal) enum they name are equal too; one that
        // names a different enum is not.
        assert_eq!(
            [target(&api, 4), target(&api, 5), target(&api, 6)],
            [None, Some(4), None]
        );
        // Aliases keep their name, home and docs; references still name them.
        assert_eq!(api.types[1].name().rust, "BStatus");
        assert_eq!(api.types[1].home(), &module("b"));
        assert_eq!(api.types[1].docs(), Some("BStatus's own docs"));
        assert_eq!(api.resolve(TypeId(1)), TypeId(2));
        let TypeDef::Struct(b) = &api.types[4] else {
            panic!()
        };
        assert_eq!(b.fields[0].ty, TypeRef::Named(TypeId(0)));
    }

    fn number_or(n: &str, words: &[&str]) -> TypeDef {
        TypeDef::Union(crate::model::UnionDef {
            name: name(n),
            home: module("a"),
            direction: Direction::Request,
            docs: None,
            values: words.iter().map(|w| name(w)).collect(),
            variants: vec![("Integer".into(), TypeRef::Integer)],
            discriminator: None,
        })
    }

    #[test]
    fn unions_merge_only_when_their_words_match_too() {
        let mut api = api(vec![
            number_or("UpTo", &["inf"]),
            number_or("TiersUpTo", &["inf"]),
            number_or("TrialEnd", &["now"]),
            number_or("Count", &[]),
        ]);
        dedupe(&mut api);
        assert_eq!(
            [
                target(&api, 0),
                target(&api, 1),
                target(&api, 2),
                target(&api, 3)
            ],
            [None, Some(0), None, None]
        );
    }

    #[test]
    fn recursive_types_merge_when_their_cycles_match() {
        // A -> A and B -> B have the same shape; C -> A differs from both only by name too.
        let mut api = api(vec![
            object(
                "A",
                module("a"),
                &[("next", TypeRef::Array(Box::new(TypeRef::Named(TypeId(0)))))],
            ),
            object(
                "B",
                module("b"),
                &[("next", TypeRef::Array(Box::new(TypeRef::Named(TypeId(1)))))],
            ),
            object(
                "C",
                module("c"),
                &[("next", TypeRef::Map(Box::new(TypeRef::Named(TypeId(0)))))],
            ),
        ]);
        dedupe(&mut api);
        assert_eq!(
            [target(&api, 0), target(&api, 1), target(&api, 2)],
            [None, Some(0), None]
        );
    }
}
