// McMaster-style argv (azbridge's parser) rewritten into canonical tokens that CLI11 parses unambiguously.
#include "azbridge/cli/options.hpp"

#include "azbridge/util/error.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>

namespace azbridge::cli {
namespace {

const option_spec* find(std::span<const option_spec> specs, std::string_view name, bool long_form) {
  for (const auto& s : specs) {
    if ((long_form ? s.long_name : s.short_name) == name && !name.empty()) return &s;
  }
  return nullptr;
}

std::string display(const option_spec& s) {
  if (s.short_name.empty()) return fmt::format("--{}", s.long_name);
  return fmt::format("-{}/--{}", s.short_name, s.long_name);
}

}  // namespace

std::vector<std::string> normalize_argv(const std::vector<std::string>& args, std::span<const option_spec> specs) {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view token = args[i];
    const option_spec* spec = nullptr;
    std::optional<std::string_view> inline_value;
    bool long_form = token.size() > 2 && token.substr(0, 2) == "--";
    bool short_form = !long_form && token.size() > 1 && token[0] == '-' && token[1] != '-';
    if (long_form || short_form) {
      auto body = token.substr(long_form ? 2 : 1);
      spec = find(specs, body, long_form);
      if (!spec) {
        // "-L:value", "-L=value", "--local-forward:value": split on the first ':' or '=' only when the
        // part before it names an option.
        auto sep = body.find_first_of(":=");
        if (sep != std::string_view::npos) {
          spec = find(specs, body.substr(0, sep), long_form);
          if (spec) inline_value = body.substr(sep + 1);
        }
      }
    }
    if (!spec) {
      if (token.size() > 1 && token[0] == '-') throw usage_error(fmt::format("Unrecognized option '{}'", token));
      throw usage_error(fmt::format("Unrecognized command or argument '{}'", token));
    }
    if (!spec->takes_value) {
      if (inline_value) {
        throw usage_error(fmt::format("Unexpected value '{}' for option {}: it takes no value", *inline_value,
                                      display(*spec)));
      }
      out.push_back(fmt::format("--{}", spec->long_name));
      continue;
    }
    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];  // the next argument is the value, even if it starts with '-'
    } else {
      throw usage_error(fmt::format("Missing value for option {}", display(*spec)));
    }
    if (value.empty()) throw usage_error(fmt::format("Empty value for option {}", display(*spec)));
    if (!spec->repeatable && !seen.insert(spec->long_name).second) {
      throw usage_error(fmt::format("Unexpected value '{}' for option {}: it may be given only once",
                                    spec->secret ? std::string_view("***") : value, display(*spec)));
    }
    out.push_back(fmt::format("--{}={}", spec->long_name, value));
  }
  return out;
}

}  // namespace azbridge::cli
