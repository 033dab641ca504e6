// Renders report.html in headless Chromium: the page must come out of a real
// browser with the Lamport diagram's SVG and its lifelines in the DOM, and a
// screenshot that is not blank. Skips when Chromium is not installed.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report_fixtures.hpp"
#include "reports/graphviz.hpp"
#include "reports/html.hpp"

namespace frsim::reports {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> chromium() {
  if (::access("/usr/bin/chromium", X_OK) == 0) return "/usr/bin/chromium";
  if (auto found = find_on_path("chromium")) return found;
  return find_on_path("chromium-browser");
}

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class Chromium : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = chromium();
    if (!browser_) GTEST_SKIP() << "chromium not installed (scripts/bootstrap.sh --with-chromium)";
    dir_ = fs::temp_directory_path() / ("frsim-chromium-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "profile");
    page_ = dir_ / "report.html";
    std::ofstream out(page_);
    write_html(test::violating_report(), out);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs Chromium headless and offline with a fresh profile; stdout to `out`.
  int run(const std::string& flags, const fs::path& out) {
    const std::string timeout = find_on_path("timeout") ? "timeout 120 " : "";
    const std::string command =
        timeout + *browser_ +
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --user-data-dir='" + (dir_ / "profile").string() + "' " + flags + " 'file://" +
        page_.string() + "' > '" + out.string() + "' 2> '" + (dir_ / "stderr.log").string() + "'";
    return std::system(command.c_str());
  }

  std::optional<std::string> browser_;
  fs::path dir_;
  fs::path page_;
};

TEST_F(Chromium, DumpedDomHoldsTheLamportDiagram) {
  const fs::path dom_file = dir_ / "dom.html";
  ASSERT_EQ(run("--dump-dom", dom_file), 0);
  std::ifstream in(dom_file);
  std::stringstream dom;
  dom << in.rdbuf();
  const std::string text = dom.str();
  ASSERT_NE(text.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lamport\""),
            std::string::npos);
  EXPECT_EQ(count(text, "class=\"lifeline"), 3u);
  EXPECT_EQ(count(text, "class=\"crash-mark\""), 1u);
  EXPECT_EQ(count(text, "class=\"drop-mark\""), 1u);
  EXPECT_EQ(count(text, "<script"), 0u);  // the hostile text stayed text
}

TEST_F(Chromium, ScreenshotIsAPlausiblePng) {
  const fs::path png = dir_ / "report.png";
  ASSERT_EQ(run("--screenshot='" + png.string() + "' --window-size=1400,1000", dir_ / "out.log"),
            0);
  ASSERT_TRUE(fs::exists(png));
  std::ifstream in(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // A blank 1400x1000 page compresses to a few KB; text, tables and the
  // diagram take tens of KB.
  EXPECT_GT(bytes.size(), 30u * 1024) << "screenshot looks blank";
}

}  // namespace
}  // namespace frsim::reports
