// Single-value validation rules (azbridge-compat.md §1.6) and the messages azbridge prints for them.
#include "azbridge/config/validate.hpp"

#include "azbridge/protocol/sas.hpp"

#include <arpa/inet.h>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <vector>

namespace azbridge::config::validate {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_dns_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool is_dns_name(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto dot = s.find('.', start);
    auto label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), is_dns_label_char)) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::string unbracket(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

}  // namespace

std::string trim_quotes(std::string_view text) {
  text = trim_blanks(text);
  while (!text.empty() && (text.front() == '"' || text.front() == '\'')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '"' || text.back() == '\'')) text.remove_suffix(1);
  return std::string(text);
}

bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '.';
  });
}

std::optional<int> parse_int(std::string_view text) {
  text = trim_blanks(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  long long value = 0;
  for (char c : text) {
    value = value * 10 + (c - '0');
    if (value > static_cast<long long>(INT_MAX) + 1) return std::nullopt;
  }
  if (negative) value = -value;
  if (value > INT_MAX || value < INT_MIN) return std::nullopt;
  return static_cast<int>(value);
}

std::optional<int> parse_port_token(std::string_view text) {
  // azbridge: a token matching ^[0-9]+U$ becomes "-<digits>" before int.TryParse.
  if (text.size() >= 2 && text.back() == 'U' &&
      std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
    auto magnitude = parse_int(text.substr(0, text.size() - 1));
    if (!magnitude) return std::nullopt;
    return -*magnitude;
  }
  return parse_int(text);
}

host_kind classify_host(std::string_view host) {
  if (host.empty()) return host_kind::invalid;
  std::array<unsigned char, 16> buf{};
  std::string h(host);
  if (inet_pton(AF_INET, h.c_str(), buf.data()) == 1) return host_kind::ipv4;
  std::string v6 = unbracket(h);
  if (auto pct = v6.find('%'); pct != std::string::npos) v6.resize(pct);  // zone id: fe80::1%eth0
  if (v6.find(':') != std::string::npos && inet_pton(AF_INET6, v6.c_str(), buf.data()) == 1) return host_kind::ipv6;
  if (is_dns_name(h)) return host_kind::dns;
  return host_kind::invalid;
}

bool is_base64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (!is_blank(c)) compact += c;
  }
  if (compact.size() % 4 != 0) return false;
  if (compact.empty()) return true;
  // '=' only as the last one or two characters.
  auto first_pad = compact.find('=');
  if (first_pad != std::string::npos) {
    if (compact.size() - first_pad > 2) return false;
    if (compact.find_first_not_of('=', first_pad) != std::string::npos) return false;
  }
  std::vector<unsigned char> out(compact.size() / 4 * 3 + 1);
  return EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(compact.data()),
                         static_cast<int>(compact.size())) >= 0;
}

std::optional<std::string> relay_name(std::string_view v) {
  if (is_name(v)) return std::nullopt;
  return fmt::format("Invalid RelayName value: '{}'. Must match ^[0-9A-Za-z/_\\-\\.]+$", v);
}

std::optional<std::string> port_name(std::string_view v) {
  if (is_name(v)) return std::nullopt;
  return fmt::format("Invalid PortName value: '{}'. Must match ^[0-9A-Za-z/_\\-\\.]+$", v);
}

std::optional<std::string> bind_port(int v) {
  if ((v >= 1 && v <= 65535) || (v >= -65535 && v <= -1)) return std::nullopt;
  return fmt::format("Invalid BindPort value: {}. Must be in the IP port range 1..65535 (negative port numbers for UDP)",
                     v);
}

std::optional<std::string> host_port(int v) {
  if ((v >= 1 && v <= 65535) || (v >= -65535 && v <= -1)) return std::nullopt;
  return fmt::format("Invalid HostPort value: {}. Must be in the IP port range 1..65535 (negative port numbers for UDP)",
                     v);
}

std::optional<std::string> host(std::string_view v) {
  if (classify_host(v) != host_kind::invalid) return std::nullopt;
  return fmt::format("Invalid Host value: '{}'. Must be a valid IPv4, IPv6, or DNS host name", v);
}

std::optional<std::string> host_name(std::string_view v) {
  if (classify_host(v) == host_kind::dns) return std::nullopt;
  return fmt::format("Invalid HostName value: '{}'. Must be a valid DNS host name", v);
}

std::optional<std::string> local_socket(std::string_view v, std::string_view key) {
  if ((!v.empty() && v.front() == '/' && v.find('\0') == std::string_view::npos) || is_name(v)) return std::nullopt;
  return fmt::format("Invalid {} value: '{}'. Must be an absolute path or a name matching ^[0-9A-Za-z/_\\-\\.]+$",
                     key, v);
}

std::optional<std::string> bind_address(std::string_view v, const locality_check& is_local, std::string_view label) {
  auto message = [&] {
    return fmt::format(
        "Invalid {} value: '{}'. Must be a valid IPv4, IPv6, or DNS host name expression bindable on the local host",
        label, v);
  };
  if (v == "0.0.0.0" || v == "::" || iequals(v, "any") || iequals(v, "anyv6")) return std::nullopt;
  auto kind = classify_host(v);
  if (kind == host_kind::invalid) return message();
  if (!is_local) return std::nullopt;  // syntax only
  if (!is_local(unbracket(v))) return message();
  return std::nullopt;
}

std::optional<std::string> connection_attempts(int v) {
  if (v >= 1 && v <= 10) return std::nullopt;
  return fmt::format("Invalid ConnectionAttempts value: {}. Must be in the range 1..10", v);
}

std::optional<std::string> connect_timeout(int v) {
  if (v >= 0 && v <= 120) return std::nullopt;
  return fmt::format("Invalid ConnectTimeout value: {}. Must be in the range 0..120 seconds", v);
}

std::optional<std::string> keep_alive_interval(int v) {
  if (v >= 1 && v <= 86400) return std::nullopt;
  return fmt::format("Invalid -a/KeepAliveInterval value: {}. Must be in the range 1..86400 seconds", v);
}

std::optional<std::string> address_family(std::string_view v) {
  if (v.empty() || iequals(v, "any") || iequals(v, "inet") || iequals(v, "inet6")) return std::nullopt;
  return fmt::format("Invalid AddressFamily value: '{}'. Must be 'any', 'inet' or 'inet6'", v);
}

std::optional<std::string> log_level(std::string_view v) {
  static constexpr std::array<std::string_view, 11> names{"none",    "quiet", "fatal",  "error",  "warning", "info",
                                                          "verbose", "debug", "debug1", "debug2", "debug3"};
  if (std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, v); })) return std::nullopt;
  return fmt::format(
      "Invalid LogLevel value: '{}'. Must be one of NONE, QUIET, FATAL, ERROR, WARNING, INFO, VERBOSE, DEBUG, DEBUG1, "
      "DEBUG2, DEBUG3",
      v);
}

std::optional<std::string> endpoint(std::string_view v) {
  auto message = [&] { return fmt::format("Invalid -e/AzureRelayEndpoint value: '{}'. Must be an absolute URI such "
                                          "as sb://<namespace>.servicebus.windows.net/", v); };
  auto parsed = boost::urls::parse_absolute_uri(v);
  if (!parsed || !parsed->has_authority() || parsed->host().empty()) return message();
  // Boost 1.81 takes "sb://host:x" as an empty port and the path "x"; after an authority a path starts with '/'.
  const std::string_view path = parsed->encoded_path();
  if (!path.empty() && path.front() != '/') return message();
  // The endpoint travels inside a connection string (printed config, -x of child processes), where ';' ends it.
  if (v.find(';') != std::string_view::npos)
    return fmt::format("Invalid -e/AzureRelayEndpoint value: '{}'. ';' cannot appear in an endpoint URI", v);
  return std::nullopt;
}

std::optional<std::string> key_name(std::string_view v) {
  bool ok = !v.empty() && v.size() <= 256 && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (ok) return std::nullopt;
  return fmt::format(
      "Invalid -K/AzureRelaySharedAccessKeyName value: '{}'. Must be 1..256 letters, digits, '-' or '_'", v);
}

std::optional<std::string> key(std::string_view v) {
  if (v.size() <= 256 && is_base64(v)) return std::nullopt;
  // The value is a secret: say what is wrong without printing it.
  return fmt::format("Invalid -k/AzureRelaySharedAccessKey value. The {}-character value (not shown) is not valid "
                     "Base64 of at most 256 characters",
                     v.size());
}

std::optional<std::string> signature(std::string_view v) {
  if (protocol::sas::parse_token(v)) return std::nullopt;
  // The token is a secret, and the parser's message might quote it: describe the expected shape instead.
  return fmt::format("Invalid -s/AzureRelaySharedAccessSignature value (not shown). Must be "
                     "'SharedAccessSignature sr=<uri>&sig=<signature>&se=<expiry>&skn=<key name>'");
}

expected<protocol::connection_string> connection_string(std::string_view v, std::string_view label) {
  auto fail = [&](const std::string& reason) {
    return failure{fmt::format("Invalid {} value. {}: {}.", label, reason, redact_connection_string_text(v))};
  };
  auto parsed = protocol::connection_string::parse(v);
  if (!parsed) return fail(parsed.error());
  if (auto e = parsed->validate()) return fail(*e);
  if (auto e = endpoint(parsed->endpoint)) return fail("Endpoint must be an absolute URI");
  return parsed;
}

std::string redact_connection_string_text(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto semi = text.find(';', start);
    auto pair = text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    auto eq = pair.find('=');
    auto k = trim_blanks(pair.substr(0, eq));
    if (eq != std::string_view::npos && (iequals(k, "SharedAccessKey") || iequals(k, "SharedAccessSignature"))) {
      out.append(pair.substr(0, eq + 1)).append("***");
    } else {
      out.append(pair);
    }
    if (semi == std::string_view::npos) break;
    out += ';';
    start = semi + 1;
  }
  return out;
}

}  // namespace azbridge::config::validate
