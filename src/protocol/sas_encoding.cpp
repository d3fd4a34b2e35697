// WebUtility.UrlEncode/UrlDecode and TokenProvider.NormalizeAudience, the text rules of SAS tokens.
#include "azbridge/protocol/sas.hpp"

#include "text.hpp"

namespace azbridge::protocol::sas {

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    const bool safe = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
                      b == '_' || b == '.' || b == '!' || b == '*' || b == '(' || b == ')';
    if (safe) {
      out.push_back(c);
    } else if (b == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0x0F]);
    }
  }
  return out;
}

std::string url_decode(std::string_view text) { return detail::percent_decode(text, true); }

std::string normalize_audience(std::string_view uri) {
  // UriHelper.NormalizeUri(uri, "http", stripQueryParameters: true, stripPath: false, ensureTrailingSlash: true).
  std::string_view rest = uri;
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) rest.remove_prefix(scheme_end + 3);

  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view path = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  path = path.substr(0, path.find_first_of("?#"));

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') == std::string_view::npos ? host.size() : host.find(']') + 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }

  std::string out = "http://" + detail::to_lower(host);
  out.append(path.empty() ? "/" : path);
  if (out.back() != '/') out.push_back('/');
  return out;
}

}  // namespace azbridge::protocol::sas
