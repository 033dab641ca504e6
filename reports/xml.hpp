#pragma once
// Escaping for everything this folder writes as XML or HTML (the HTML report is
// also well-formed XML, so one set of rules serves both). Trace content is user
// data: reactive names, printed values, messages may hold any bytes.

#include <string>
#include <string_view>

namespace frsim::reports {

// Character data: & < > escaped; invalid UTF-8 becomes U+FFFD; control
// characters XML 1.0 forbids become their visible Unicode "control picture"
// (U+2400 + code), so "\x01" shows as "␁" rather than breaking the document.
std::string escape_text(std::string_view text);

// An attribute value in double or single quotes: escape_text plus " ' and the
// whitespace characters that attribute normalisation would otherwise fold.
std::string escape_attribute(std::string_view text);

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// `text` cut to at most `chars_max` code points, with "…" when cut. Cuts only
// at code point boundaries so the result stays valid UTF-8 when the input is.
std::string truncate_utf8(std::string_view text, std::size_t chars_max);

}  // namespace frsim::reports
