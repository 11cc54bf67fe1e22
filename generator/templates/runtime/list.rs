// {{ header|comment }}
{%- if uses_paging %}
use std::collections::VecDeque;
use std::future::Future;

use futures_util::Stream;
{%- endif %}
use super::json::{required, FromObject, Key};
{%- if uses_paging %}

use super::error::Result;
{%- endif %}
{%- if uses_list %}

/// One page of a list. Ask for the next with the last item's id as `starting_after`, or use
/// the operation's `…_auto_paging` function to walk every page.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
pub struct List<T> {
    /// Always `list`.
    pub object: String,
    /// The items on this page.
    pub data: Vec<T>,
    /// Whether there are more items after this page.
    pub has_more: bool,
    /// The URL this list is fetched from.
    pub url: String,
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for List<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::json::deserialize_object(deserializer)
    }
}

impl<T: serde::de::DeserializeOwned> FromObject for List<T> {
    const NAME: &'static str = "List";
    const FIELDS: &'static [&'static str] = &["object", "data", "has_more", "url"];

    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match &*key {
                "object" => object = Some(map.next_value()?),
                "data" => data = Some(map.next_value()?),
                "has_more" => has_more = Some(map.next_value()?),
                "url" => url = Some(map.next_value()?),
                _ => map.next_value::<serde::de::IgnoredAny>().map(drop)?,
            }
        }
        Ok(Self {
            object: required(object, "object")?,
            data: required(data, "data")?,
            has_more: required(has_more, "has_more")?,
            url: required(url, "url")?,
        })
    }
}
{%- endif %}
{%- if uses_search %}

/// One page of search results. The next page is asked for with `page = next_page`, or walk
/// them all with the operation's `…_auto_paging` function.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
pub struct SearchList<T> {
    /// Always `search_result`.
    pub object: String,
    /// The results on this page.
    pub data: Vec<T>,
    /// Whether there are more results after this page.
    pub has_more: bool,
    /// The cursor for the next page, when there is one.
    pub next_page: Option<String>,
    /// The total number of results, when the API counts them.
    #[cfg_attr(feature = "serialize", serde(skip_serializing_if = "Option::is_none"))]
    pub total_count: Option<i64>,
    /// The URL this search is fetched from.
    pub url: String,
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for SearchList<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::json::deserialize_object(deserializer)
    }
}

impl<T: serde::de::DeserializeOwned> FromObject for SearchList<T> {
    const NAME: &'static str = "SearchList";
    const FIELDS: &'static [&'static str] = &["object", "data", "has_more", "next_page", "total_count", "url"];

    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
        let (mut next_page, mut total_count) = (None, None);
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match &*key {
                "object" => object = Some(map.next_value()?),
                "data" => data = Some(map.next_value()?),
                "has_more" => has_more = Some(map.next_value()?),
                "next_page" => next_page = map.next_value()?,
                "total_count" => total_count = map.next_value()?,
                "url" => url = Some(map.next_value()?),
                _ => map.next_value::<serde::de::IgnoredAny>().map(drop)?,
            }
        }
        Ok(Self {
            object: required(object, "object")?,
            data: required(data, "data")?,
            has_more: required(has_more, "has_more")?,
            next_page,
            total_count,
            url: required(url, "url")?,
        })
    }
}
{%- endif %}
{%- if uses_paging %}

/// Turns a page fetcher into a stream of items. `fetch` gets the cursor for the page to load
/// (`None` for the first) and returns its items and the next cursor (`None` after the last
/// page). The stream ends after the last page or after the first error, which it yields.
pub(crate) fn paginate<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>)>>,
{
    struct State<T, F> {
        fetch: F,
        /// `Some(cursor)` while there is a page to load.
        next: Option<Option<String>>,
        buffer: VecDeque<T>,
    }
    let state = State { fetch, next: Some(None), buffer: VecDeque::new() };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            let cursor = state.next.take()?;
            match (state.fetch)(cursor).await {
                // An empty page ends the walk even if the API says there is more, so a
                // misbehaving server cannot make this loop forever.
                Ok((items, next)) => {
                    state.next = if items.is_empty() { None } else { next.map(Some) };
                    state.buffer.extend(items);
                }
                Err(e) => return Some((Err(e), state)),
            }
        }
    })
}
{%- endif %}
{%- if uses_paging && uses_list %}

impl<T: super::HasId> List<T> {
    /// The items and the cursor for the next page (the last item's id), for [`paginate`].
    pub(crate) fn into_page(self) -> (Vec<T>, Option<String>) {
        let next = if self.has_more { self.data.last().map(|item| item.id().to_owned()) } else { None };
        (self.data, next)
    }
}
{%- endif %}
{%- if uses_paging && uses_search %}

impl<T> SearchList<T> {
    /// The results and the cursor for the next page, for [`paginate`].
    pub(crate) fn into_page(self) -> (Vec<T>, Option<String>) {
        let next = if self.has_more { self.next_page } else { None };
        (self.data, next)
    }
}
{%- endif %}
