// Relay-server side of SAS: parsing a received token, checking its signature and its audience.
#include "azbridge/protocol/sas.hpp"

#include "crypto.hpp"
#include "text.hpp"

namespace azbridge::protocol::sas {
namespace {

using detail::iequals;

constexpr std::string_view prefix = "SharedAccessSignature";

std::optional<std::int64_t> parse_unsigned(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;  // 18 digits cannot overflow int64
  std::int64_t v = 0;
  for (const char c : s) {
    if (!detail::is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "scheme://user@Host:port/$hc/path/?q" -> {"host", "path"}: scheme, user info, port, query, "$hc/" and the
// slashes around the path dropped; the path percent-decoded (sr is a URI, decoded once already as a field).
struct audience {
  std::string host;
  std::string path;
};

audience split_audience(std::string_view uri) {
  if (const auto scheme_end = uri.find("://"); scheme_end != std::string_view::npos) uri.remove_prefix(scheme_end + 3);
  uri = uri.substr(0, uri.find_first_of("?#"));
  const std::size_t slash = uri.find('/');
  std::string_view authority = uri.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : uri.substr(slash);

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    if (const auto close = authority.find(']'); close != std::string_view::npos) authority = authority.substr(0, close + 1);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    authority = authority.substr(0, colon);
  }

  std::string decoded = detail::percent_decode(path, false);
  std::string_view p = decoded;
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  if (detail::istarts_with(p, "$hc/") || iequals(p, "$hc")) p.remove_prefix(p.size() > 3 ? 4 : 3);
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  return {detail::to_lower(authority), detail::to_lower(p)};
}

std::string host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') return detail::to_lower(host.substr(0, host.find(']') + 1));
  if (host.find(':') != host.rfind(':')) return detail::to_lower(host);  // a bare IPv6 literal
  return detail::to_lower(host.substr(0, host.find(':')));
}

}  // namespace

expected<token> parse_token(std::string_view text) {
  std::string_view s = detail::trim(text);
  if (!detail::istarts_with(s, prefix) || s.size() == prefix.size() || !detail::is_space(s[prefix.size()]))
    return failure{"the token does not start with 'SharedAccessSignature '"};
  s = detail::trim(s.substr(prefix.size()));
  for (const char c : s)
    if (detail::is_space(c)) return failure{"the token has white space inside its fields"};

  token t;
  bool has_sr = false, has_sig = false, has_se = false, has_skn = false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('&', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view field = s.substr(start, end - start);
    start = end + 1;
    if (field.empty()) continue;
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) return failure{"the token has a field without '='"};
    const std::string_view key = field.substr(0, eq);
    const std::string_view value = field.substr(eq + 1);
    const auto take = [&](bool& seen) -> bool {
      if (seen) return false;
      seen = true;
      return true;
    };
    if (iequals(key, "sr")) {
      if (!take(has_sr)) return failure{"the token repeats the field 'sr'"};
      t.sr_raw = std::string(value);
      t.sr = url_decode(value);
    } else if (iequals(key, "sig")) {
      if (!take(has_sig)) return failure{"the token repeats the field 'sig'"};
      t.sig = detail::percent_decode(value, false);
    } else if (iequals(key, "se")) {
      if (!take(has_se)) return failure{"the token repeats the field 'se'"};
      t.se_raw = std::string(value);
      const auto se = parse_unsigned(url_decode(value));
      if (!se) return failure{"the token's expiry 'se' is not an integer"};
      t.se = *se;
    } else if (iequals(key, "skn")) {
      if (!take(has_skn)) return failure{"the token repeats the field 'skn'"};
      t.skn = url_decode(value);
    }
  }
  if (!has_sr || !has_sig || !has_se || !has_skn) return failure{"the token lacks one of the fields sr, sig, se, skn"};
  return t;
}

bool signature_valid(const token& t, std::string_view key) {
  const std::string se = t.se_raw.empty() ? std::to_string(t.se) : t.se_raw;
  const std::string expected_sig = detail::hmac_sha256_base64(key, t.sr_raw + "\n" + se);
  return detail::constant_time_equal(expected_sig, t.sig);
}

bool audience_covers(const token& t, std::string_view host, std::string_view entity_path) {
  const audience a = split_audience(t.sr);
  if (a.host.empty() || a.host != host_without_port(host)) return false;

  std::string_view entity = entity_path;
  while (!entity.empty() && entity.front() == '/') entity.remove_prefix(1);
  while (!entity.empty() && entity.back() == '/') entity.remove_suffix(1);
  const std::string wanted = detail::to_lower(entity);

  if (a.path.empty()) return true;  // a namespace-wide token
  if (wanted == a.path) return true;
  return wanted.size() > a.path.size() && wanted.compare(0, a.path.size(), a.path) == 0 && wanted[a.path.size()] == '/';
}

}  // namespace azbridge::protocol::sas
