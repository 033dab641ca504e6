#include "reports/dataflow_svg.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "reports/graphviz.hpp"
#include "reports/xml.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

struct Node {
  std::int64_t id = 0;
  std::string label;
  std::string kind;
  bool distributed = false;
};

struct Edge {
  std::int64_t from = 0;
  std::int64_t to = 0;
  bool dynamic = false;
};

std::vector<Node> nodes_of(const json& dataflow) {
  std::vector<Node> nodes;
  for (const auto& node : dataflow.value("nodes", json::array())) {
    nodes.push_back({node.at("id").get<std::int64_t>(), node.at("label").get<std::string>(),
                     node.at("kind").get<std::string>(), node.at("distributed").get<bool>()});
  }
  std::sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) { return a.id < b.id; });
  return nodes;
}

std::vector<Edge> edges_of(const json& dataflow) {
  std::vector<Edge> edges;
  for (const auto& edge : dataflow.value("edges", json::array())) {
    edges.push_back({edge.at("from").get<std::int64_t>(), edge.at("to").get<std::int64_t>(),
                     edge.at("dynamic").get<bool>()});
  }
  return edges;
}

// A DOT double-quoted string.
std::string dot_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

// Fill colours by kind; the same palette in the Graphviz and fallback drawings.
std::string_view kind_fill(std::string_view kind) {
  if (kind == "source") return "#e3f2fd";
  if (kind == "fold") return "#fff3e0";
  if (kind == "flatten") return "#f3e5f5";
  return "#e8f5e9";  // map
}

constexpr std::string_view kHighlightFill = "#ffcdd2";
constexpr std::string_view kHighlightStroke = "#c62828";

// Longest-path level of every node from the nodes without inputs (Kahn's
// order). Nodes on a cycle (an invalid graph, but still drawable) go one
// level below everything else.
std::map<std::int64_t, int> levels_of(const std::vector<Node>& nodes,
                                      const std::vector<Edge>& edges) {
  std::map<std::int64_t, int> indegree;
  std::map<std::int64_t, std::vector<std::int64_t>> out;
  for (const auto& node : nodes) indegree[node.id] = 0;
  for (const auto& edge : edges) {
    if (edge.from == edge.to) continue;  // a fold's input on itself is not a layer
    ++indegree[edge.to];
    out[edge.from].push_back(edge.to);
  }
  std::map<std::int64_t, int> level;
  std::vector<std::int64_t> ready;
  for (const auto& [id, degree] : indegree) {
    if (degree == 0) ready.push_back(id), level[id] = 0;
  }
  for (std::size_t i = 0; i < ready.size(); ++i) {
    const auto id = ready[i];
    for (const auto next : out[id]) {
      level[next] = std::max(level[next], level[id] + 1);
      if (--indegree[next] == 0) ready.push_back(next);
    }
  }
  int deepest = 0;
  for (const auto& [id, l] : level) deepest = std::max(deepest, l);
  for (const auto& node : nodes) {
    if (indegree[node.id] > 0) level[node.id] = deepest + 1;
  }
  return level;
}

}  // namespace

std::string dataflow_dot(const json& dataflow, const std::set<std::string>& highlighted) {
  std::string dot = "digraph dataflow {\n";
  dot += "  rankdir=TB;\n  bgcolor=\"transparent\";\n";
  dot += "  node [shape=box style=\"rounded,filled\" fontname=\"Helvetica\" fontsize=11];\n";
  dot += "  edge [color=\"#546e7a\" arrowsize=0.7];\n";
  for (const auto& node : nodes_of(dataflow)) {
    const bool hl = highlighted.count(node.label) > 0;
    dot += fmt::format("  n{} [label={} fillcolor=\"{}\"", node.id,
                       dot_quote(node.label + "\n" + node.kind),
                       hl ? kHighlightFill : kind_fill(node.kind));
    if (node.distributed) dot += " peripheries=2";
    if (hl) dot += fmt::format(" color=\"{}\" penwidth=2.5 class=\"hl\"", kHighlightStroke);
    dot += "];\n";
  }
  for (const auto& edge : edges_of(dataflow)) {
    dot += fmt::format("  n{} -> n{}{};\n", edge.from, edge.to,
                       edge.dynamic ? " [style=dashed label=\"dynamic\" fontsize=9]" : "");
  }
  dot += "}\n";
  return dot;
}

std::string dataflow_layered_svg(const json& dataflow, const std::set<std::string>& highlighted) {
  const auto nodes = nodes_of(dataflow);
  const auto edges = edges_of(dataflow);
  if (nodes.empty()) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dataflow\" width=\"240\" "
           "height=\"30\"><text x=\"4\" y=\"20\" font-size=\"12\">(no reactives)</text></svg>";
  }
  const auto level = levels_of(nodes, edges);
  // Geometry in px: node boxes sized to their label, rows per level.
  constexpr double kRowHeight = 80, kNodeHeight = 40, kGap = 24, kMargin = 16, kCharWidth = 7;
  std::map<int, std::vector<const Node*>> rows;
  for (const auto& node : nodes) rows[level.at(node.id)].push_back(&node);
  struct Box {
    double x, y, width;
  };
  std::map<std::int64_t, Box> box;
  double width_max = 0;
  for (const auto& [row, members] : rows) {
    double x = kMargin;
    for (const Node* node : members) {
      const auto chars = std::max(node->label.size(), node->kind.size());
      const double width = std::max(80.0, static_cast<double>(chars) * kCharWidth + 20);
      box[node->id] = {x, kMargin + row * kRowHeight, width};
      x += width + kGap;
    }
    width_max = std::max(width_max, x - kGap + kMargin);
  }
  const double height = kMargin * 2 + static_cast<double>(rows.rbegin()->first) * kRowHeight +
                        kNodeHeight;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dataflow\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" font-family=\"Helvetica, Arial, "
      "sans-serif\">\n",
      width_max, height, width_max, height);
  svg += "<defs><marker id=\"dataflow-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
         "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
         "fill=\"#546e7a\"/></marker></defs>\n";
  for (const auto& edge : edges) {
    if (edge.from == edge.to) continue;
    const Box& a = box.at(edge.from);
    const Box& b = box.at(edge.to);
    svg += fmt::format(
        "<line class=\"edge{}\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
        "stroke=\"#546e7a\"{} marker-end=\"url(#dataflow-arrow)\"/>\n",
        edge.dynamic ? " dynamic" : "", a.x + a.width / 2, a.y + kNodeHeight, b.x + b.width / 2,
        b.y, edge.dynamic ? " stroke-dasharray=\"5,3\"" : "");
  }
  for (const auto& node : nodes) {
    const Box& b = box.at(node.id);
    const bool hl = highlighted.count(node.label) > 0;
    svg += fmt::format("<g class=\"node{}\" data-id=\"{}\"><title>{}</title>", hl ? " hl" : "",
                       node.id, escape_text(node.label + " (" + node.kind + ")"));
    if (node.distributed) {
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" rx=\"8\" "
          "fill=\"none\" stroke=\"#37474f\"/>",
          b.x - 3, b.y - 3, b.width + 6, kNodeHeight + 6);
    }
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" rx=\"6\" "
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
        b.x, b.y, b.width, kNodeHeight, hl ? kHighlightFill : kind_fill(node.kind),
        hl ? kHighlightStroke : "#37474f", hl ? "2.5" : "1");
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"12\">{}</text>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"10\" "
        "fill=\"#607d8b\">{}</text></g>\n",
        b.x + b.width / 2, b.y + 17, escape_text(node.label), b.x + b.width / 2, b.y + 31,
        escape_text(node.kind));
  }
  svg += "</svg>";
  return svg;
}

std::string dataflow_svg(const json& dataflow, const std::set<std::string>& highlighted,
                         const std::optional<std::string>& dot_executable) {
  const bool has_nodes = !dataflow.value("nodes", json::array()).empty();
  if (dot_executable) {
    std::optional<std::string> svg;
    if (has_nodes) {
      svg = run_dot_svg(*dot_executable, dataflow_dot(dataflow, highlighted));
    } else if (dataflow.contains("dot")) {
      svg = run_dot_svg(*dot_executable, dataflow.at("dot").get<std::string>());
    }
    if (svg) return *svg;
  }
  return dataflow_layered_svg(dataflow, highlighted);
}

}  // namespace frsim::reports
