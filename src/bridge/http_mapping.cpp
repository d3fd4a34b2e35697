#include "azbridge/bridge/http_mapping.hpp"

#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace azbridge::bridge {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      auto next = in.find('/', in.front() == '/' ? 1 : 0);
      auto seg = in.substr(0, next);
      out += seg;
      in.remove_prefix(seg.size());
    }
  }
  return out;
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

expected<http_origin> make_http_origin(std::string_view scheme, std::string_view host, int port, std::string_view path) {
  http_origin o;
  if (scheme == "https") {
    o.tls = true;
  } else if (scheme != "http") {
    return failure{fmt::format("an HTTP target needs the scheme http or https, not '{}'", scheme)};
  }
  if (host.empty()) return failure{"an HTTP target needs a host"};
  o.host = std::string(host);
  o.port = port > 0 ? port : (o.tls ? 443 : 80);
  std::string p(path);
  if (p.empty() || p.front() != '/') p.insert(p.begin(), '/');
  if (p.back() != '/') p.push_back('/');
  o.base_path = std::move(p);
  return o;
}

expected<http_target> map_http_target(std::string_view relay_name, const http_origin& origin,
                                      std::string_view request_target) {
  std::string_view path = request_target;
  std::string_view query;
  bool has_query = false;
  if (auto q = request_target.find('?'); q != std::string_view::npos) {
    path = request_target.substr(0, q);
    query = request_target.substr(q + 1);
    has_query = true;
  }
  // "/{relay}" followed by '/' or the end of the path: strip it and one '/', leaving a relative reference
  // that resolves below the base path.
  std::string relative;
  std::string prefix(1, '/');
  prefix.append(relay_name);
  if (path.size() >= prefix.size() && iequals(path.substr(0, prefix.size()), prefix) &&
      (path.size() == prefix.size() || path[prefix.size()] == '/')) {
    auto rest = path.substr(prefix.size());
    if (!rest.empty()) rest.remove_prefix(1);
    relative = std::string(rest);
  } else {
    relative = std::string(path);  // absolute path: replaces the base path, as .NET's Uri resolution does
  }
  if (has_query) {
    relative += '?';
    relative += query;
  }

  // RFC 3986 §5.2 reference resolution on the encoded text (Boost.URL's resolve decodes %2F).
  std::string merged_path;
  std::string rel_path = relative.substr(0, relative.find('?'));
  std::string rel_query = relative.find('?') == std::string::npos ? std::string() : relative.substr(relative.find('?'));
  if (rel_path.empty()) {
    merged_path = origin.base_path;
  } else if (rel_path.front() == '/') {
    merged_path = rel_path;
  } else {
    merged_path = origin.base_path + rel_path;  // base_path ends with '/'
  }
  http_target t;
  t.target = remove_dot_segments(merged_path);
  if (t.target.empty() || t.target.front() != '/') t.target.insert(t.target.begin(), '/');
  t.target += rel_query;
  auto check = boost::urls::parse_origin_form(t.target);
  if (!check) return failure{fmt::format("the request target '{}' is not a valid URL path", request_target)};
  const bool default_port = (origin.tls && origin.port == 443) || (!origin.tls && origin.port == 80);
  t.host_header = default_port ? bracketed(origin.host) : fmt::format("{}:{}", bracketed(origin.host), origin.port);
  t.url = fmt::format("{}://{}{}", origin.tls ? "https" : "http", t.host_header, t.target);
  return t;
}

bool is_hop_by_hop_header(std::string_view name) {
  static constexpr std::array<std::string_view, 11> names{
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
      "trailer", "transfer-encoding", "upgrade", "content-length", "host"};
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

}  // namespace azbridge::bridge
