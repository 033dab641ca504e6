#include "xml_check.hpp"

#include "reports/xml.hpp"

#include <cstdint>

namespace frsim::reports::test {

namespace {

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }


class Parser {
 public:
  explicit Parser(std::string_view doc) : s_(doc) {}

  XmlElement document() {
    if (starts("\xEF\xBB\xBF")) pos_ += 3;
    if (starts("<?xml")) skip_past("?>");
    misc();
    if (starts("<!DOCTYPE")) {
      skip_past(">");
      misc();
    }
    if (!starts("<")) fail("expected the root element");
    XmlElement root = element();
    misc();
    if (pos_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) line += s_[i] == '\n';
    const auto context = s_.substr(pos_, 40);
    throw XmlSyntaxError("XML line " + std::to_string(line) + ": " + what + " at \"" +
                         std::string(context) + "\"");
  }
  bool starts(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }
  void skip_past(std::string_view end) {
    const auto at = s_.find(end, pos_);
    if (at == std::string_view::npos) fail("unterminated construct");
    pos_ = at + end.size();
  }
  void skip_space() {
    while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
  }
  // Whitespace and comments between top-level constructs.
  void misc() {
    while (true) {
      skip_space();
      if (!starts("<!--")) return;
      comment();
    }
  }
  void comment() {
    pos_ += 4;
    const auto at = s_.find("--", pos_);
    if (at == std::string_view::npos) fail("unterminated comment");
    if (s_.substr(at, 3) != "-->") fail("\"--\" inside a comment");
    pos_ = at + 3;
  }

  std::string name() {
    if (pos_ >= s_.size() || !name_start(s_[pos_])) fail("expected a name");
    const std::size_t start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  // At '&': decodes one entity or character reference into `out`.
  void reference(std::string& out) {
    const auto end = s_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) fail("unterminated entity reference");
    const auto entity = s_.substr(pos_ + 1, end - pos_ - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const auto digits = entity.substr(hex ? 2 : 1);
      if (digits.empty()) fail("empty character reference");
      std::uint32_t cp = 0;
      for (char c : digits) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) fail("bad character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
        if (cp > 0x10FFFF) fail("character reference out of range");
      }
      const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                           (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
      if (!allowed) fail("character reference to a character XML forbids");
      append_utf8(out, static_cast<char32_t>(cp));
    } else {
      fail("unknown entity &" + std::string(entity) + ";");
    }
    pos_ = end + 1;
  }

  XmlElement element() {
    ++pos_;  // '<'
    XmlElement el;
    el.name = name();
    while (true) {
      const bool had_space = pos_ < s_.size() && space(s_[pos_]);
      skip_space();
      if (pos_ >= s_.size()) fail("unterminated start tag");
      if (starts("/>")) {
        pos_ += 2;
        return el;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (!had_space) fail("attributes must be separated by whitespace");
      attribute(el);
    }
    content(el);
    return el;
  }

  void attribute(XmlElement& el) {
    std::string key = name();
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '=') fail("expected '=' after attribute " + key);
    ++pos_;
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("unquoted attribute");
    const char quote = s_[pos_++];
    std::string value;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated attribute value");
      const char c = s_[pos_];
      if (c == quote) break;
      if (c == '<') fail("'<' in an attribute value");
      if (c == '&') {
        reference(value);
        continue;
      }
      value += c;
      ++pos_;
    }
    ++pos_;
    for (const auto& [existing, ignored] : el.attributes) {
      if (existing == key) fail("duplicate attribute " + key);
    }
    el.attributes.emplace_back(std::move(key), std::move(value));
  }

  void content(XmlElement& el) {
    while (true) {
      if (pos_ >= s_.size()) fail("missing </" + el.name + ">");
      if (starts("</")) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != el.name) fail("</" + closing + "> closes <" + el.name + ">");
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != '>') fail("malformed end tag");
        ++pos_;
        return;
      }
      if (starts("<!--")) {
        comment();
      } else if (starts("<![CDATA[")) {
        const auto end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) fail("unterminated CDATA");
        el.text += s_.substr(pos_ + 9, end - pos_ - 9);
        pos_ = end + 3;
      } else if (starts("<?") || starts("<!")) {
        fail("unexpected markup declaration");
      } else if (s_[pos_] == '<') {
        el.children.push_back(element());
      } else if (s_[pos_] == '&') {
        reference(el.text);
      } else {
        el.text += s_[pos_++];
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

void collect(const XmlElement& el, const std::function<bool(const XmlElement&)>& match,
             std::vector<const XmlElement*>& out) {
  if (match(el)) out.push_back(&el);
  for (const auto& child : el.children) collect(child, match, out);
}

}  // namespace

bool XmlElement::has(std::string_view attribute) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute) return true;
  }
  return false;
}

std::string XmlElement::attr(std::string_view attribute) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute) return value;
  }
  return "";
}

bool XmlElement::has_class(std::string_view css_class) const {
  const std::string classes = attr("class");
  std::size_t start = 0;
  while (start <= classes.size()) {
    const auto end = std::min(classes.find(' ', start), classes.size());
    if (std::string_view(classes).substr(start, end - start) == css_class) return true;
    start = end + 1;
  }
  return false;
}

std::vector<const XmlElement*> XmlElement::find_all(
    const std::function<bool(const XmlElement&)>& match) const {
  std::vector<const XmlElement*> out;
  collect(*this, match, out);
  return out;
}

std::vector<const XmlElement*> XmlElement::by_name(std::string_view element) const {
  return find_all([&](const XmlElement& el) { return el.name == element; });
}

std::vector<const XmlElement*> XmlElement::by_class(std::string_view css_class) const {
  return find_all([&](const XmlElement& el) { return el.has_class(css_class); });
}

std::string XmlElement::all_text() const {
  std::string out = text;
  for (const auto& child : children) out += child.all_text();
  return out;
}

XmlElement parse_xml(std::string_view document) { return Parser(document).document(); }

}  // namespace frsim::reports::test
