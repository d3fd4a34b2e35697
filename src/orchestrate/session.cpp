#include "azbridge/orchestrate/session.hpp"

#include "crypto.hpp"

#include <charconv>
#include <ctime>
#include <fmt/format.h>

namespace azbridge::orchestrate::session {
namespace {

std::string tag(const std::map<std::string, std::string>& tags, std::string_view key) {
  auto it = tags.find(std::string(key));
  return it == tags.end() ? std::string() : it->second;
}

/// Lower-case; characters outside `keep` become '-'; no leading, trailing or doubled '-'; at most `max`.
std::string sanitize(std::string_view text, std::string_view keep, std::size_t max) {
  std::string out;
  for (unsigned char c : text) {
    char l = static_cast<char>(std::tolower(c));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || keep.find(l) != std::string_view::npos;
    char x = ok ? l : '-';
    if (x == '-' && (out.empty() || out.back() == '-')) continue;
    out += x;
    if (out.size() >= max) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

std::map<std::string, std::string> to_tags(const info& s) {
  std::map<std::string, std::string> t{{std::string(tag_device), s.device},
                                       {std::string(tag_session), s.id},
                                       {std::string(tag_created), format_time(s.created)},
                                       {std::string(tag_expires), format_time(s.expires)},
                                       {std::string(tag_hybrid_connection), s.hybrid_connection},
                                       {std::string(tag_port), std::to_string(s.port)}};
  if (s.ephemeral) {
    t[std::string(tag_ephemeral)] = "true";
    t[std::string(tag_relay_namespace)] = s.relay_namespace;
  }
  return t;
}

std::optional<info> from_tags(const std::map<std::string, std::string>& tags) {
  info s;
  s.device = tag(tags, tag_device);
  s.id = tag(tags, tag_session);
  if (s.device.empty() || s.id.empty()) return std::nullopt;
  s.created = parse_time(tag(tags, tag_created)).value_or(clock::time_point{});
  // A session without a readable expiry is treated as already expired: sweep removes it.
  s.expires = parse_time(tag(tags, tag_expires)).value_or(clock::time_point{});
  s.hybrid_connection = tag(tags, tag_hybrid_connection);
  s.relay_namespace = tag(tags, tag_relay_namespace);
  s.ephemeral = tag(tags, tag_ephemeral) == "true";
  auto port = tag(tags, tag_port);
  std::from_chars(port.data(), port.data() + port.size(), s.port);
  return s;
}

bool expired(const info& s, clock::time_point now) { return s.expires <= now; }

std::string container_group_name(std::string_view device_id) {
  auto hash = crypto::sha256_hex(device_id).substr(0, 8);
  auto base = sanitize(device_id, "", 46);
  return base.empty() ? "azb-" + hash : "azb-" + base + "-" + hash;
}

std::string dns_label(std::string_view prefix, std::string_view subscription, std::string_view resource_group,
                      std::string_view device_id) {
  auto hash = crypto::sha256_hex(fmt::format("{}/{}/{}", subscription, resource_group, device_id)).substr(0, 8);
  auto p = sanitize(prefix, "", 20);
  auto d = sanitize(device_id, "", 30);
  std::string out = p.empty() ? "azb" : p;
  if (!d.empty()) out += "-" + d;
  return out + "-" + hash;
}

std::string ephemeral_hybrid_connection(std::string_view device_id, std::string_view session_id) {
  auto d = sanitize(device_id, "._", 200);
  return (d.empty() ? std::string("device") : d) + "-" + std::string(session_id);
}

std::string new_session_id() { return crypto::random_hex(4); }

std::string format_time(clock::time_point t) {
  std::time_t tt = clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::optional<clock::time_point> parse_time(std::string_view text) {
  // Exactly the form format_time writes (and what ARM shows back): YYYY-MM-DDTHH:MM:SSZ.
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return ec == std::errc{} && p == text.data() + pos + len;
  };
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, s)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return clock::from_time_t(timegm(&tm));
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    long long n = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc{} || n < 0) return std::nullopt;
    i = static_cast<std::size_t>(p - text.data());
    long long unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return std::nullopt;
      }
      ++i;
    } else if (any) {
      return std::nullopt;  // "1h30" is ambiguous
    }
    if (n > 100LL * 365 * 86400) return std::nullopt;
    total += n * unit;
    any = true;
  }
  return std::chrono::seconds(total);
}

}  // namespace azbridge::orchestrate::session
