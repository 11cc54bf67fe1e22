pub fn to_markdown(text: &str, _site: &str) -> String {
    text.to_owned()
}
