// report.html in a real browser: headless Chromium, offline, a fresh
// profile. The Lamport diagram must come out of the DOM and the screenshot
// must not be blank; the state explorer of a real counterexample
// (bug-local-fold) is driven by clicking "next" and "prev" (report.html#step=K
// &prev=J), and the store it shows after each click is checked against what
// the trace alone says (trace_model.hpp). Chromium is a test dependency
// (scripts/bootstrap.sh --with-chromium, run by scripts/test.sh): without it
// these tests fail, they are never skipped.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "report_fixtures.hpp"
#include "reports/graphviz.hpp"
#include "reports/html.hpp"
#include "reports/report.hpp"
#include "scenarios/registry.hpp"
#include "trace_model.hpp"

namespace frsim::reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<std::string> chromium() {
  if (::access("/usr/bin/chromium", X_OK) == 0) return "/usr/bin/chromium";
  if (auto found = find_on_path("chromium")) return found;
  return find_on_path("chromium-browser");
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string unescape_html(std::string text) {
  for (const auto& [entity, c] : {std::pair{"&quot;", "\""}, std::pair{"&#39;", "'"}, std::pair{"&lt;", "<"},
                                  std::pair{"&gt;", ">"}, std::pair{"&nbsp;", " "}, std::pair{"&amp;", "&"}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::string_view(entity).size(), c);
    }
  }
  return text;
}

class Chromium : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = chromium();
    ASSERT_TRUE(browser_) << "chromium is not installed: run scripts/bootstrap.sh --with-chromium (scripts/test.sh does)";
    dir_ = fs::temp_directory_path() / ("frsim-chromium-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "profile");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs Chromium headless and offline with a fresh profile on `url`; stdout to `out`.
  int run(const std::string& flags, const std::string& url, const fs::path& out) {
    const std::string timeout = find_on_path("timeout") ? "timeout 120 " : "";
    const std::string command =
        timeout + *browser_ +
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --user-data-dir='" + (dir_ / "profile").string() + "' " + flags + " '" + url + "' > '" + out.string() +
        "' 2> '" + (dir_ / "stderr.log").string() + "'";
    return std::system(command.c_str());
  }

  std::string dump_dom(const std::string& url) {
    const fs::path out = dir_ / "dom.html";
    EXPECT_EQ(run("--dump-dom", url, out), 0) << read_text(dir_ / "stderr.log");
    return read_text(out);
  }

  fs::path crafted_page() {
    const fs::path page = dir_ / "crafted.html";
    std::ofstream out(page);
    write_html(test::violating_report(), out);
    return page;
  }

  std::optional<std::string> browser_;
  fs::path dir_;
};

TEST_F(Chromium, DumpedDomHoldsTheLamportDiagram) {
  const std::string text = dump_dom(fmt::format("file://{}", crafted_page().string()));
  ASSERT_NE(text.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lamport\""), std::string::npos);
  EXPECT_EQ(test::count_of(text, "class=\"lifeline"), 3u);
  EXPECT_EQ(test::count_of(text, "class=\"crash-mark\""), 1u);
  EXPECT_EQ(test::count_of(text, "class=\"drop-mark\""), 1u);
  // The hostile text stayed text: the only script is the page's own.
  EXPECT_EQ(test::count_of(text, "<script"), 1u);
  EXPECT_EQ(text.find(test::kHostileText), std::string::npos);
}

TEST_F(Chromium, ScreenshotIsAPlausiblePng) {
  const fs::path png = dir_ / "report.png";
  ASSERT_EQ(run("--screenshot='" + png.string() + "' --window-size=1400,1000", fmt::format("file://{}", crafted_page().string()),
                dir_ / "out.log"),
            0);
  ASSERT_TRUE(fs::exists(png));
  const std::string bytes = read_text(png);
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // A blank 1400x1000 page compresses to a few KB; text, tables and the
  // diagram take tens of KB.
  EXPECT_GT(bytes.size(), 30u * 1024) << "screenshot looks blank";
}

// The explorer as rendered: its frame, its event line, and per device the
// value of each reactive (the full value is the cell's title).
struct Shown {
  int frame = -1;
  std::string event_line;
  std::map<std::pair<std::int64_t, std::string>, std::string> values;
  std::vector<std::pair<std::int64_t, std::string>> current;  // rows marked as the event's reactive
  std::vector<std::string> current_nodes;                     // graph nodes marked so
};

// The DOM is scanned with plain string searches: g++ 12 warns falsely inside
// <regex> under -fsanitize (maybe-uninitialized), and -Werror makes that fatal.

// The text between `open` (searched from `from`) and the next `close`;
// `from` moves past `close`. Empty optional when either is missing.
std::optional<std::string> between(const std::string& text, std::size_t& from, std::string_view open,
                                   std::string_view close) {
  const auto a = text.find(open, from);
  if (a == std::string::npos) return std::nullopt;
  const auto b = text.find(close, a + open.size());
  if (b == std::string::npos) return std::nullopt;
  from = b + close.size();
  return text.substr(a + open.size(), b - a - open.size());
}

// The value of attribute `name` inside the tag text `tag` (`name="..."`).
std::optional<std::string> attribute(const std::string& tag, std::string_view name) {
  std::size_t from = 0;
  const std::string open = fmt::format(" {}=\"", name);
  return between(tag, from, open, "\"");
}

bool has_class(const std::string& classes, std::string_view word) {
  std::size_t from = 0;
  while (from <= classes.size()) {
    auto end = classes.find(' ', from);
    if (end == std::string::npos) end = classes.size();
    if (std::string_view(classes).substr(from, end - from) == word) return true;
    from = end + 1;
  }
  return false;
}

Shown read_explorer(const std::string& dom) {
  Shown shown;
  std::size_t at = 0;
  if (const auto tag = between(dom, at, "<section class=\"explorer\" id=\"explorer-1\"", ">")) {
    if (const auto frame = attribute(*tag, "data-frame")) shown.frame = std::stoi(*frame);
  }
  at = 0;
  if (between(dom, at, "<p class=\"current-event", ">")) {
    if (const auto line = between(dom, at, "", "</p>")) shown.event_line = unescape_html(*line);
  }
  at = 0;
  while (const auto head = between(dom, at, "<table class=\"store\" data-device=\"", "\">")) {
    const std::int64_t device = std::stoll(*head);
    const auto rows = between(dom, at, "", "</table>");
    if (!rows) break;
    std::size_t r = 0;
    while (const auto tr = between(*rows, r, "<tr ", ">")) {
      const auto classes = attribute(fmt::format(" {}", *tr), "class");
      const auto label = attribute(fmt::format(" {}", *tr), "data-reactive");
      if (!classes || !label) continue;
      const auto cell = between(*rows, r, "<td class=\"value\" title=\"", "\">");
      if (!cell) break;
      shown.values[{device, unescape_html(*label)}] = unescape_html(*cell);
      if (has_class(*classes, "current")) shown.current.emplace_back(device, unescape_html(*label));
    }
  }
  at = 0;
  while (const auto tag = between(dom, at, "<g class=\"node ", ">")) {
    const auto classes = fmt::format("node {}", tag->substr(0, tag->find('"')));
    const auto label = attribute(*tag, "data-reactive");
    if (label && has_class(classes, "current")) shown.current_nodes.push_back(unescape_html(*label));
  }
  return shown;
}

TEST_F(Chromium, TheExplorerShowsTheStoreTheTraceImpliesAtEveryClick) {
  const auto scenario = scenarios::find("bug-local-fold");
  auto options = sim::explore::default_options(*scenario);
  options.strategy = sim::explore::Strategy::bfs;
  const auto result = sim::explore::explore(*scenario, options, checker::monitor_factory(*scenario));
  ASSERT_TRUE(result.violation);
  const auto written = write_all(scenario, options, result, dir_ / "report");
  const json& violation = written.report["violations"][0];
  const json& events = violation["trace"]["events"];
  const json& frames = violation["states"]["frames"];
  ASSERT_GT(frames.size(), 20u);
  const std::string page = fmt::format("file://{}", (dir_ / "report" / "report.html").string());
  std::size_t values_checked = 0;
  std::size_t focus_checked = 0;
  // (clicks on next, then on prev): the start, a propagation, the healing phase, the end, and back.
  const std::size_t last = frames.size() - 1;
  for (const auto& [next, prev] :
       {std::pair<std::size_t, std::size_t>{0, 0}, {2, 0}, {6, 0}, {20, 0}, {last + 5, 0}, {12, 7}}) {
    const Shown shown = read_explorer(dump_dom(fmt::format("{}#step={}&prev={}&noscroll", page, next, prev)));
    const std::size_t k = std::min(next, last) - prev;
    ASSERT_EQ(shown.frame, static_cast<int>(k)) << "next " << next << " prev " << prev;
    const auto event = frames[k]["event"].get<std::size_t>();
    EXPECT_NE(shown.event_line.find(events[event]["text"].get<std::string>()), std::string::npos)
        << shown.event_line;
    const auto known = test::known_store(events, event);
    // After the first fire (frame 2 on), the trace determines values: the check is never vacuous.
    EXPECT_TRUE(k < 2 || !known.empty()) << "frame " << k;
    for (const auto& [key, value] : known) {
      const auto it = shown.values.find(key);
      ASSERT_NE(it, shown.values.end()) << "d" << key.first << " " << key.second << " not shown at frame " << k;
      EXPECT_EQ(it->second, value) << "d" << key.first << " " << key.second << " at frame " << k;
      ++values_checked;
    }
    // The reactive the event applies a rule to is highlighted in the store and the graph.
    const json& e = events[event];
    const std::string kind = e["kind"];
    if ((kind == "reevaluated" || kind == "written" || kind == "merged") && !e["device"].is_null()) {
      const std::pair<std::int64_t, std::string> focus{e["device"].get<std::int64_t>(), e["reactive"]};
      EXPECT_EQ(shown.current, std::vector{focus}) << "frame " << k;
      EXPECT_EQ(shown.current_nodes, std::vector{focus.second}) << "frame " << k;
      ++focus_checked;
    }
  }
  EXPECT_GT(values_checked, 0u);
  EXPECT_GT(focus_checked, 0u);
}

}  // namespace
}  // namespace frsim::reports
