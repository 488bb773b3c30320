#include "cli/ordoctl/jsonpath.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace ordo::ctl {
namespace {

struct Token {
  enum Kind { kText, kField, kRange, kEnd } kind;
  std::string value;
};

absl::StatusOr<std::vector<Token>> Lex(const std::string& t) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < t.size()) {
    size_t open = t.find('{', i);
    if (open == std::string::npos) {
      out.push_back({Token::kText, t.substr(i)});
      break;
    }
    if (open > i) out.push_back({Token::kText, t.substr(i, open - i)});
    // The closing brace, skipping braces inside a quoted literal.
    size_t close = open + 1;
    bool quoted = false;
    for (; close < t.size(); ++close) {
      if (t[close] == '"' && t[close - 1] != '\\') quoted = !quoted;
      if (t[close] == '}' && !quoted) break;
    }
    if (close >= t.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("error parsing jsonpath ", t, ": unclosed action"));
    }
    std::string action = t.substr(open + 1, close - open - 1);
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
      std::string text;
      for (size_t k = 1; k + 1 < action.size(); ++k) {
        if (action[k] == '\\' && k + 2 < action.size()) {
          char c = action[++k];
          text.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
        } else {
          text.push_back(action[k]);
        }
      }
      out.push_back({Token::kText, text});
    } else if (action.rfind("range ", 0) == 0) {
      out.push_back({Token::kRange, action.substr(6)});
    } else if (action == "end") {
      out.push_back({Token::kEnd, ""});
    } else {
      out.push_back({Token::kField, action});
    }
    i = close + 1;
  }
  return out;
}

// Splits ".a.b[0]['c'][*]" into steps: "a", "b", "[0]", "c", "[*]".
std::vector<std::string> Steps(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.' || path[i] == '@' || path[i] == '$') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string::npos) close = path.size();
      std::string inside = path.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"')) {
        out.push_back(inside.substr(1, inside.size() - 2));
      } else {
        out.push_back("[" + inside + "]");
      }
      i = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

std::vector<YAML::Node> Evaluate(const std::string& path, const YAML::Node& current);
std::string Show(const YAML::Node& n);

// "[?(@.type==\"Ready\")]" (or !=): whether `item` passes the filter. A
// filter that is neither compares nothing and passes nothing.
bool PassesFilter(const std::string& step, const YAML::Node& item) {
  std::string expr = step.substr(3, step.size() - 5);  // inside "[?(" ... ")]"
  bool equal = true;
  size_t op = expr.find("==");
  if (op == std::string::npos) {
    op = expr.find("!=");
    equal = false;
  }
  if (op == std::string::npos) return false;
  std::string want(absl::StripAsciiWhitespace(expr.substr(op + 2)));
  if (want.size() >= 2 && (want.front() == '"' || want.front() == '\'')) {
    want = want.substr(1, want.size() - 2);
  }
  bool found = false;
  for (const auto& value :
       Evaluate(std::string(absl::StripAsciiWhitespace(expr.substr(0, op))), item)) {
    found |= Show(value) == want;
  }
  return found == equal;
}

std::vector<YAML::Node> Evaluate(const std::string& path, const YAML::Node& current) {
  std::vector<YAML::Node> nodes = {current};
  for (const auto& step : Steps(path)) {
    std::vector<YAML::Node> next;
    for (const auto& n : nodes) {
      if (step.starts_with("[?(") && step.ends_with(")]")) {
        if (!n.IsSequence()) continue;
        for (const auto& item : n) {
          if (PassesFilter(step, item)) next.push_back(item);
        }
      } else if (step == "[*]") {
        if (n.IsSequence()) {
          for (const auto& item : n) next.push_back(item);
        } else if (n.IsMap()) {
          for (const auto& kv : n) next.push_back(kv.second);
        }
      } else if (step.front() == '[') {
        int index = 0;
        if (!n.IsSequence() || !absl::SimpleAtoi(step.substr(1, step.size() - 2), &index)) {
          continue;
        }
        if (index < 0) index += static_cast<int>(n.size());
        if (index >= 0 && index < static_cast<int>(n.size())) next.push_back(n[index]);
      } else if (n.IsMap() && n[step]) {
        next.push_back(n[step]);
      }
    }
    nodes = std::move(next);
  }
  return nodes;
}

std::string Show(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsNull()) return "";
  YAML::Emitter out;
  out << YAML::Flow << YAML::DoubleQuoted << n;
  return out.c_str();
}

absl::Status Run(const std::vector<Token>& tokens, size_t& pos, const YAML::Node& current,
                 bool skip, std::string& out) {
  while (pos < tokens.size()) {
    const Token& t = tokens[pos++];
    switch (t.kind) {
      case Token::kText:
        if (!skip) out += t.value;
        break;
      case Token::kField: {
        if (skip) break;
        std::vector<std::string> shown;
        for (const auto& n : Evaluate(t.value, current)) shown.push_back(Show(n));
        out += absl::StrJoin(shown, " ");
        break;
      }
      case Token::kRange: {
        size_t body = pos;
        auto items = skip ? std::vector<YAML::Node>{} : Evaluate(t.value, current);
        if (items.empty()) {
          // Walk the body once without output, to find its end.
          absl::Status s = Run(tokens, pos, current, true, out);
          if (!s.ok()) return s;
        }
        for (const auto& item : items) {
          pos = body;
          absl::Status s = Run(tokens, pos, item, false, out);
          if (!s.ok()) return s;
        }
        break;
      }
      case Token::kEnd:
        return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> JsonPath(const std::string& tmpl, const YAML::Node& root) {
  auto tokens = Lex(tmpl);
  if (!tokens.ok()) return tokens.status();
  int depth = 0;
  for (const auto& t : *tokens) {
    if (t.kind == Token::kRange) ++depth;
    if (t.kind == Token::kEnd && --depth < 0) {
      return absl::InvalidArgumentError("error parsing jsonpath: {end} without {range}");
    }
  }
  if (depth != 0)
    return absl::InvalidArgumentError("error parsing jsonpath: {range} without {end}");
  std::string out;
  size_t pos = 0;
  absl::Status s = Run(*tokens, pos, root, false, out);
  if (!s.ok()) return s;
  return out;
}

}  // namespace ordo::ctl
