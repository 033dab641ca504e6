#include "reports/xml.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "xml_check.hpp"

namespace frsim::reports {
namespace {

using test::parse_xml;
using test::XmlSyntaxError;

// Valid UTF-8 text without the control characters XML forbids: what escaping
// must carry through unchanged. Code points come from ASCII, the XML
// specials, Latin, CJK and astral ranges.
rc::Gen<std::string> xml_safe_text() {
  const auto code_point = rc::gen::oneOf(
      rc::gen::inRange<char32_t>(0x20, 0x7F), rc::gen::element<char32_t>('<', '>', '&', '"', '\'', '\n', '\t'),
      rc::gen::inRange<char32_t>(0xA0, 0x800), rc::gen::inRange<char32_t>(0x4E00, 0x4F00),
      rc::gen::inRange<char32_t>(0x1F600, 0x1F650));
  return rc::gen::map(rc::gen::container<std::vector<char32_t>>(code_point),
                      [](const std::vector<char32_t>& cps) {
                        std::string out;
                        for (const char32_t cp : cps) append_utf8(out, cp);
                        return out;
                      });
}

std::string document(const std::string& text) {
  return "<a t=\"" + escape_attribute(text) + "\" u='" + escape_attribute(text) + "'>" +
         escape_text(text) + "</a>";
}

TEST(Xml, EscapesMarkupCharacters) {
  EXPECT_EQ(escape_text("a<b>&c\"d'"), "a&lt;b&gt;&amp;c\"d'");
  EXPECT_EQ(escape_attribute("a<b>&c\"d'\n\t"), "a&lt;b&gt;&amp;c&quot;d&#39;&#10;&#9;");
}

TEST(Xml, ReplacesBytesXmlCannotCarry) {
  EXPECT_EQ(escape_text(std::string("a\x01z")), "a\u2401z");       // control picture
  EXPECT_EQ(escape_text(std::string("a\xFFz")), "a\uFFFDz");       // not UTF-8
  EXPECT_EQ(escape_text(std::string("\xC0\xAF")), "\uFFFD\uFFFD");  // overlong '/'
  EXPECT_EQ(escape_text(std::string("\xED\xA0\x80")), "\uFFFD\uFFFD\uFFFD");  // a surrogate
  EXPECT_EQ(escape_text("caf\u00e9 \U0001F600"), "caf\u00e9 \U0001F600");
}

RC_GTEST_PROP(Xml, EscapedTextRoundTripsThroughAnXmlParser, ()) {
  const std::string text = *xml_safe_text();
  const auto root = parse_xml(document(text));
  RC_ASSERT(root.attr("t") == text);
  RC_ASSERT(root.attr("u") == text);
  RC_ASSERT(root.text == text);
}

RC_GTEST_PROP(Xml, AnyBytesEscapeToWellFormedXml, (const std::string& bytes)) {
  // Must not throw: whatever a trace holds, the document stays well-formed.
  const auto root = parse_xml(document(bytes));
  RC_ASSERT(root.name == "a");
}

TEST(Xml, TheCheckerRejectsMalformedDocuments) {
  for (const char* bad : {"<a><b></a></b>", "<a x=1/>", "<a>&nbsp;</a>", "<a>x & y</a>",
                          "<a x=\"1\" x=\"2\"/>", "<a/><b/>", "<a x=\"<\"/>", "<a>", "text",
                          "<a><!-- a -- b --></a>", "<a>&#1;</a>"}) {
    EXPECT_THROW(parse_xml(bad), XmlSyntaxError) << bad;
  }
  EXPECT_NO_THROW(parse_xml("<?xml version=\"1.0\"?>\n<!DOCTYPE a>\n<!-- c --><a b='1'>&#x41;</a>"));
}

TEST(Xml, TruncatesAtCodePointBoundaries) {
  EXPECT_EQ(truncate_utf8("history", 10), "history");
  EXPECT_EQ(truncate_utf8("history", 7), "history");
  EXPECT_EQ(truncate_utf8("history", 5), "hist\u2026");
  EXPECT_EQ(truncate_utf8("\u00e9\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u2026");
}

RC_GTEST_PROP(Xml, TruncationKeepsValidUtf8AndItsBound, ()) {
  const std::string text = *xml_safe_text();
  const auto chars_max = *rc::gen::inRange<std::size_t>(1, 12);
  const std::string cut = truncate_utf8(text, chars_max);
  // Valid UTF-8 escapes to itself (no U+FFFD appears), modulo the escapes.
  RC_ASSERT(parse_xml("<a>" + escape_text(cut) + "</a>").text == cut);
  std::size_t chars = 0;
  for (const char c : cut) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  RC_ASSERT(chars <= chars_max);
  if (cut != text) {
    const std::string ellipsis = "\u2026";
    RC_ASSERT(cut.size() >= ellipsis.size());
    const std::string kept = cut.substr(0, cut.size() - ellipsis.size());
    RC_ASSERT(cut.substr(kept.size()) == ellipsis);
    RC_ASSERT(text.compare(0, kept.size(), kept) == 0);
  }
}

}  // namespace
}  // namespace frsim::reports
