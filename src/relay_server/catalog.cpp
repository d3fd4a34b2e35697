#include "azbridge/relay_server/catalog.hpp"

#include <boost/algorithm/string/case_conv.hpp>

namespace azbridge::relay_server {

hc_catalog::hc_catalog(std::vector<hybrid_connection_settings> configured) : configured_(std::move(configured)) {
  for (const auto& hc : configured_) keys_.push_back(key_of(hc.name));
}

std::string hc_catalog::key_of(std::string_view name) { return boost::algorithm::to_lower_copy(std::string(name)); }

bool hc_catalog::valid_name(std::string_view name) {
  if (name.empty() || name.size() > 260 || name.front() == '/' || name.back() == '/') return false;
  char prev = 0;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || c == '/';
    if (!ok || (c == '/' && prev == '/')) return false;
    prev = c;
  }
  return true;
}

const hybrid_connection_settings* hc_catalog::find(const std::string& key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &configured_[i];
  }
  return nullptr;
}

std::optional<resolved_hc> hc_catalog::resolve_listen(std::string_view path) const {
  if (!valid_name(path)) return std::nullopt;
  auto key = key_of(path);
  if (open_mode()) return resolved_hc{std::string(path), key, {}, &open_default_};
  if (auto* s = find(key)) return resolved_hc{s->name, key, {}, s};
  return std::nullopt;
}

std::optional<resolved_hc> hc_catalog::resolve_send(
    std::string_view path, const std::function<bool(const std::string&)>& has_listeners) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return std::nullopt;
  // Candidate lengths: every segment boundary, longest first.
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '/') ends.push_back(i);
  }
  ends.push_back(path.size());
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    auto name = path.substr(0, *it);
    if (!valid_name(name)) continue;
    auto key = key_of(name);
    auto suffix = *it < path.size() ? std::string(path.substr(*it + 1)) : std::string();
    if (open_mode()) {
      if (has_listeners && has_listeners(key)) return resolved_hc{std::string(name), key, suffix, &open_default_};
    } else if (auto* s = find(key)) {
      return resolved_hc{s->name, key, suffix, s};
    }
  }
  if (open_mode()) {
    auto name = path.substr(0, ends.front());
    if (!valid_name(name)) return std::nullopt;
    auto suffix = ends.front() < path.size() ? std::string(path.substr(ends.front() + 1)) : std::string();
    return resolved_hc{std::string(name), key_of(name), suffix, &open_default_};
  }
  return std::nullopt;
}

}  // namespace azbridge::relay_server
