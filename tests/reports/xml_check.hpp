#pragma once
// A tiny, strict XML reader for the tests: enough of XML 1.0 to prove the
// reports are well-formed (matched tags, quoted unique attributes, known
// entities, one root) and to query their structure. Throws XmlSyntaxError.

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace frsim::reports::test {

class XmlSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // decoded values
  std::vector<XmlElement> children;
  std::string text;  // decoded character data directly inside this element

  bool has(std::string_view attribute) const;
  std::string attr(std::string_view attribute) const;  // "" when absent
  bool has_class(std::string_view css_class) const;    // a token of class="..."
  // Every descendant (and this element) satisfying `match`, document order.
  std::vector<const XmlElement*> find_all(const std::function<bool(const XmlElement&)>& match) const;
  std::vector<const XmlElement*> by_name(std::string_view element) const;
  std::vector<const XmlElement*> by_class(std::string_view css_class) const;
  std::string all_text() const;  // text of this element and its descendants
};

// Parses a document: optional <?xml ...?>, <!DOCTYPE ...>, comments, one root.
XmlElement parse_xml(std::string_view document);

}  // namespace frsim::reports::test
