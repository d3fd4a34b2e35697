// The relay's YAML configuration file (schema in docs/relay.md). Keys are matched case-insensitively;
// anything unknown is an error so that typos do not silently fall back to defaults.
#include "azbridge/relay_server/options.hpp"
#include "azbridge/util/error.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace azbridge::relay_server {
namespace {

struct reader {
  std::string origin;
  std::filesystem::path base_dir;  // relative file names are resolved against the config file's folder

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw usage_error(origin + ": " + where + ": " + what);
  }

  std::string scalar(const YAML::Node& n, const std::string& where) const {
    if (!n.IsScalar()) fail(where, "expected a single value");
    return n.Scalar();
  }

  bool boolean(const YAML::Node& n, const std::string& where) const {
    auto s = scalar(n, where);
    if (boost::algorithm::iequals(s, "true") || boost::algorithm::iequals(s, "yes") || s == "1") return true;
    if (boost::algorithm::iequals(s, "false") || boost::algorithm::iequals(s, "no") || s == "0") return false;
    fail(where, "expected true or false, got '" + s + "'");
  }

  std::size_t count(const YAML::Node& n, const std::string& where) const {
    auto s = scalar(n, where);
    try {
      std::size_t pos = 0;
      auto v = std::stoull(s, &pos);
      if (pos != s.size() || s.front() == '-') throw std::invalid_argument(s);
      return static_cast<std::size_t>(v);
    } catch (const std::exception&) {
      fail(where, "expected a non-negative whole number, got '" + s + "'");
    }
  }

  relay_timeouts::duration seconds(const YAML::Node& n, const std::string& where) const {
    auto s = scalar(n, where);
    try {
      std::size_t pos = 0;
      double v = std::stod(s, &pos);
      if (pos != s.size() || !std::isfinite(v) || v < 0 || v > 1e7) throw std::invalid_argument(s);
      return relay_timeouts::duration(static_cast<long long>(std::llround(v * 1000.0)));
    } catch (const std::exception&) {
      fail(where, "expected a number of seconds, got '" + s + "'");
    }
  }

  std::string file(const YAML::Node& n, const std::string& where) const {
    std::filesystem::path p = scalar(n, where);
    if (p.is_relative() && !base_dir.empty()) p = base_dir / p;
    return p.string();
  }

  /// Calls handler(key, value) for each entry of a mapping; handler returns false for unknown keys.
  void each(const YAML::Node& map, const std::string& where,
            const std::function<bool(const std::string&, const YAML::Node&, const std::string&)>& handler) const {
    if (!map.IsMap()) fail(where.empty() ? "top level" : where, "expected a mapping (key: value)");
    for (const auto& kv : map) {
      auto key = kv.first.as<std::string>();
      auto path = where.empty() ? key : where + "." + key;
      if (!handler(key, kv.second, path)) fail(path, "unknown key");
    }
  }

  shared_access_policy policy(const YAML::Node& n, const std::string& where) const {
    shared_access_policy p;
    bool rights_given = false;
    each(n, where, [&](const std::string& k, const YAML::Node& v, const std::string& path) {
      if (boost::algorithm::iequals(k, "name")) {
        p.name = scalar(v, path);
      } else if (boost::algorithm::iequals(k, "key")) {
        p.key = scalar(v, path);
      } else if (boost::algorithm::iequals(k, "rights")) {
        rights_given = true;
        std::vector<std::string> names;
        if (v.IsSequence()) {
          for (const auto& item : v) names.push_back(scalar(item, path));
        } else {
          std::stringstream ss(scalar(v, path));
          for (std::string item; std::getline(ss, item, ',');) {
            item.erase(0, item.find_first_not_of(' '));
            item.erase(item.find_last_not_of(' ') + 1);
            names.push_back(item);
          }
        }
        for (const auto& name : names) {
          if (!p.rights.add(name)) fail(path, "unknown right '" + name + "' (Listen, Send, Manage)");
        }
      } else {
        return false;
      }
      return true;
    });
    if (p.name.empty()) fail(where, "name is required");
    if (p.key.empty()) fail(where, "key is required");
    if (!rights_given) fail(where, "rights is required (a list of Listen, Send, Manage)");
    return p;
  }

  std::vector<shared_access_policy> policies(const YAML::Node& n, const std::string& where) const {
    if (!n.IsSequence()) fail(where, "expected a list of policies");
    std::vector<shared_access_policy> out;
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(policy(n[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }

  hybrid_connection_settings hybrid_connection(const YAML::Node& n, const std::string& where) const {
    hybrid_connection_settings hc;
    if (n.IsScalar()) {
      hc.name = n.Scalar();
      return hc;
    }
    each(n, where, [&](const std::string& k, const YAML::Node& v, const std::string& path) {
      if (boost::algorithm::iequals(k, "name")) {
        hc.name = scalar(v, path);
      } else if (boost::algorithm::iequals(k, "requiresClientAuthorization")) {
        hc.requires_client_authorization = boolean(v, path);
      } else if (boost::algorithm::iequals(k, "sharedAccessPolicies")) {
        hc.policies = policies(v, path);
      } else {
        return false;
      }
      return true;
    });
    if (hc.name.empty()) fail(where, "name is required");
    return hc;
  }

  void limits(const YAML::Node& n, const std::string& where, relay_limits& l) const {
    const std::pair<const char*, std::size_t relay_limits::*> fields[] = {
        {"maxConnections", &relay_limits::max_connections},
        {"maxListenersPerHybridConnection", &relay_limits::max_listeners_per_hybrid_connection},
        {"maxMessageBytes", &relay_limits::max_message_bytes},
        {"maxRequestHeaderBytes", &relay_limits::max_request_header_bytes},
        {"maxControlMessageBytes", &relay_limits::max_control_message_bytes},
        {"maxInlineBodyBytes", &relay_limits::max_inline_body_bytes},
        {"maxInlineHeaderBytes", &relay_limits::max_inline_header_bytes},
        {"maxControlQueueBytes", &relay_limits::max_control_queue_bytes},
        {"spliceBufferBytes", &relay_limits::splice_buffer_bytes},
    };
    each(n, where, [&](const std::string& k, const YAML::Node& v, const std::string& path) {
      for (const auto& [name, member] : fields) {
        if (boost::algorithm::iequals(k, name)) {
          l.*member = count(v, path);
          return true;
        }
      }
      return false;
    });
  }

  void timeouts(const YAML::Node& n, const std::string& where, relay_timeouts& t) const {
    const std::pair<const char*, relay_timeouts::duration relay_timeouts::*> fields[] = {
        {"handshake", &relay_timeouts::handshake},   {"rendezvous", &relay_timeouts::rendezvous},
        {"response", &relay_timeouts::response},     {"tokenGrace", &relay_timeouts::token_grace},
        {"clockSkew", &relay_timeouts::clock_skew},  {"controlIdle", &relay_timeouts::control_idle},
        {"keepAlive", &relay_timeouts::keep_alive},  {"shutdown", &relay_timeouts::shutdown},
    };
    each(n, where, [&](const std::string& k, const YAML::Node& v, const std::string& path) {
      for (const auto& [name, member] : fields) {
        if (boost::algorithm::iequals(k, name)) {
          t.*member = seconds(v, path);
          return true;
        }
      }
      return false;
    });
  }

  void top(const YAML::Node& root, relay_options& o) const {
    if (!root || root.IsNull()) return;  // an empty file changes nothing
    each(root, "", [&](const std::string& k, const YAML::Node& v, const std::string& path) {
      if (boost::algorithm::iequals(k, "bind")) {
        auto b = parse_bind(scalar(v, path));
        if (!b) fail(path, b.error());
        o.bind_host = b->host;
        if (b->port) o.bind_port = b->port;
      } else if (boost::algorithm::iequals(k, "tls")) {
        each(v, path, [&](const std::string& k2, const YAML::Node& v2, const std::string& path2) {
          if (boost::algorithm::iequals(k2, "certificate")) {
            o.tls_cert_file = file(v2, path2);
          } else if (boost::algorithm::iequals(k2, "key")) {
            o.tls_key_file = file(v2, path2);
          } else {
            return false;
          }
          return true;
        });
      } else if (boost::algorithm::iequals(k, "noTls")) {
        o.no_tls = boolean(v, path);
      } else if (boost::algorithm::iequals(k, "publicHost")) {
        o.public_host = scalar(v, path);
      } else if (boost::algorithm::iequals(k, "sharedAccessPolicies")) {
        auto list = policies(v, path);
        o.policies.insert(o.policies.end(), list.begin(), list.end());
      } else if (boost::algorithm::iequals(k, "hybridConnections")) {
        if (!v.IsSequence()) fail(path, "expected a list of hybrid connections");
        for (std::size_t i = 0; i < v.size(); ++i) {
          o.hybrid_connections.push_back(hybrid_connection(v[i], path + "[" + std::to_string(i) + "]"));
        }
      } else if (boost::algorithm::iequals(k, "limits")) {
        limits(v, path, o.limits);
      } else if (boost::algorithm::iequals(k, "timeouts")) {
        timeouts(v, path, o.timeouts);
      } else {
        return false;
      }
      return true;
    });
  }
};

}  // namespace

void load_config_text(std::string_view yaml, std::string_view origin, relay_options& options) {
  reader r{std::string(origin), {}};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw usage_error(std::string(origin) + ": not valid YAML: " + e.what());
  }
  r.top(root, options);
}

void load_config_file(const std::string& path, relay_options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error("cannot read the config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  reader r{path, std::filesystem::path(path).parent_path()};
  YAML::Node root;
  try {
    root = YAML::Load(ss.str());
  } catch (const YAML::Exception& e) {
    throw usage_error(path + ": not valid YAML: " + e.what());
  }
  r.top(root, options);
}

}  // namespace azbridge::relay_server
