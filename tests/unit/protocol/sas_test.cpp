// SAS tokens: creation exactly as the .NET SDK, and the relay server's parsing, signature and audience checks.
// Golden tokens were computed independently of this code (see each comment), never by make_token.
#include "azbridge/protocol/sas.hpp"

#include <catch2/catch.hpp>

namespace sas = azbridge::protocol::sas;

namespace {
// A portal-style key: the base64 TEXT is the HMAC key (it is not decoded).
constexpr std::string_view key = "6v+cMuPz0Ab3RSk8uJ0fC1LTbZ9B5yW7hXq2nDd4eGs=";

sas::token parse_ok(std::string_view text) {
  auto r = sas::parse_token(text);
  INFO(text);
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

TEST_CASE("sas: WebUtility.UrlEncode rules", "[sas]") {
  CHECK(sas::url_encode("AZaz09-_.!*()") == "AZaz09-_.!*()");
  CHECK(sas::url_encode("a b") == "a+b");
  CHECK(sas::url_encode("http://ns/a b/~'") == "http%3A%2F%2Fns%2Fa+b%2F%7E%27");
  CHECK(sas::url_encode("+/=") == "%2B%2F%3D");
  CHECK(sas::url_encode("\xC3\xA9") == "%C3%A9");  // UTF-8 bytes, upper-case hex
}

TEST_CASE("sas: lenient url_decode", "[sas]") {
  CHECK(sas::url_decode("a+b%2Fc%2f") == "a b/c/");
  CHECK(sas::url_decode("100%") == "100%");
  CHECK(sas::url_decode("%zz%4") == "%zz%4");
}

TEST_CASE("sas: normalize_audience", "[sas]") {
  CHECK(sas::normalize_audience("sb://NS.servicebus.windows.net:443/db?x=1") == "http://ns.servicebus.windows.net/db/");
  CHECK(sas::normalize_audience("sb://contoso.servicebus.windows.net/hc1") == "http://contoso.servicebus.windows.net/hc1/");
  CHECK(sas::normalize_audience("sb://contoso.servicebus.windows.net/") == "http://contoso.servicebus.windows.net/");
  CHECK(sas::normalize_audience("sb://contoso.servicebus.windows.net") == "http://contoso.servicebus.windows.net/");
  CHECK(sas::normalize_audience("sb://user:pw@ns/A/B#frag") == "http://ns/A/B/");  // path case kept
  CHECK(sas::normalize_audience("wss://[::1]:9555/hc") == "http://[::1]/hc/");
}

TEST_CASE("sas: make_token golden value (.NET style)", "[sas]") {
  // Computed at a shell, independently of this code:
  //   printf 'http%%3A%%2F%%2Fcontoso.servicebus.windows.net%%2Fhc1%%2F\n1700000000' |
  //     openssl dgst -sha256 -hmac '6v+cMuPz0Ab3RSk8uJ0fC1LTbZ9B5yW7hXq2nDd4eGs=' -binary | base64
  //   -> huPsCOhC79Bny1HJLnuyhq0DYOIJV79DFkyvy6966C0=   (python hmac/hashlib gives the same), then URL-encoded.
  const std::string golden =
      "SharedAccessSignature sr=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1%2F"
      "&sig=huPsCOhC79Bny1HJLnuyhq0DYOIJV79DFkyvy6966C0%3D&se=1700000000&skn=RootManageSharedAccessKey";
  CHECK(sas::make_token("sb://contoso.servicebus.windows.net/hc1", "RootManageSharedAccessKey", key, 1700000000) == golden);
  // The audience is normalized first: port, query and case of the host make no difference.
  CHECK(sas::make_token("sb://Contoso.servicebus.windows.net:443/hc1?sb-hc-action=listen", "RootManageSharedAccessKey",
                        key, 1700000000) == golden);

  const auto t = parse_ok(golden);
  CHECK(t.sr == "http://contoso.servicebus.windows.net/hc1/");
  CHECK(t.se == 1700000000);
  CHECK(t.skn == "RootManageSharedAccessKey");
  CHECK(sas::signature_valid(t, key));
  CHECK_FALSE(sas::signature_valid(t, "another key"));
  CHECK(sas::audience_covers(t, "contoso.servicebus.windows.net", "hc1"));
}

TEST_CASE("sas: key name and key limits", "[sas]") {
  CHECK_FALSE(sas::check_key("send", key).has_value());
  CHECK_FALSE(sas::check_key(std::string(256, 'k'), std::string(256, 'v')).has_value());
  CHECK(sas::check_key(std::string(257, 'k'), "v") == "The argument 'keyName' cannot exceed 256 characters.");
  CHECK(sas::check_key("k", std::string(257, 'v')) == "The argument 'sharedAccessKey' cannot exceed 256 characters.");
  CHECK(sas::check_key("", "v").has_value());
  CHECK(sas::check_key("k", "").has_value());
  // 200 two-byte characters are 200 .NET characters (400 UTF-8 bytes): allowed.
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\xC3\xA9";
  CHECK_FALSE(sas::check_key(accented, "v").has_value());
  CHECK_THROWS_AS(sas::make_token("sb://ns/hc", std::string(257, 'k'), "v", 1), std::invalid_argument);
}

TEST_CASE("sas: make_token with a TTL expires about then", "[sas]") {
  const auto before = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto t = parse_ok(sas::make_token("sb://ns/hc", "send", key, std::chrono::seconds(3600)));
  const auto after = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(t.se >= before + 3600);
  CHECK(t.se <= after + 3601);
  CHECK(sas::signature_valid(t, key));
}

TEST_CASE("sas: node-style token (encodeURIComponent, :443 kept, no trailing slash)", "[sas]") {
  // python3: sr = quote('http://contoso.servicebus.windows.net:443/hc1', safe="-_.!~*'()"), se = '1700003600',
  //   sig = base64(hmac.new(key.encode(), (sr + '\n' + se).encode(), sha256).digest()), URL-encoded the same way.
  const auto t = parse_ok(
      "SharedAccessSignature sr=http%3A%2F%2Fcontoso.servicebus.windows.net%3A443%2Fhc1"
      "&sig=J9JVHE9Ozt5awKU73kY21hQfK6weiFb8bPtM%2B0hA9Ok%3D&se=1700003600&skn=send");
  CHECK(t.sig == "J9JVHE9Ozt5awKU73kY21hQfK6weiFb8bPtM+0hA9Ok=");
  CHECK(sas::signature_valid(t, key));
  CHECK(sas::audience_covers(t, "contoso.servicebus.windows.net", "hc1"));
  CHECK(sas::audience_covers(t, "CONTOSO.servicebus.windows.net:9555", "hc1/suffix"));
  CHECK_FALSE(sas::audience_covers(t, "contoso.servicebus.windows.net", "hc10"));
}

TEST_CASE("sas: old lower-case %3a%2f style token", "[sas]") {
  // python3: the .NET-encoded audience with its escapes lower-cased (HttpUtility style), se = '1700007200';
  //   sig = base64(hmac(key, sr + '\n' + se)) = dtHlQXck9tHdk3kkJFjGNgLcHuacYRHqPs+NH02ccg8=, escapes lower-case.
  const auto t = parse_ok(
      "SharedAccessSignature sr=http%3a%2f%2fcontoso.servicebus.windows.net%2fhc1%2f"
      "&sig=dtHlQXck9tHdk3kkJFjGNgLcHuacYRHqPs%2bNH02ccg8%3d&se=1700007200&skn=listen");
  CHECK(t.sr_raw == "http%3a%2f%2fcontoso.servicebus.windows.net%2fhc1%2f");  // signed as received
  CHECK(sas::signature_valid(t, key));
  CHECK(sas::audience_covers(t, "contoso.servicebus.windows.net", "hc1"));
}

TEST_CASE("sas: Python-doc style token (other field order, raw '/' in sig)", "[sas]") {
  // python3: sr = quote('http://contoso.servicebus.windows.net/hc1', safe=''), se = '1700010800',
  //   sig = base64(hmac(key, sr + '\n' + se)) = jbwz1HihHICm/OC9b1kso9uBig9QIaZBHmmW0w+W4l0=, quote() keeps '/'.
  const std::string token =
      "SharedAccessSignature sig=jbwz1HihHICm/OC9b1kso9uBig9QIaZBHmmW0w%2BW4l0%3D&se=1700010800&skn=send"
      "&sr=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1";
  const auto t = parse_ok(token);
  CHECK(sas::signature_valid(t, key));
  CHECK(sas::audience_covers(t, "contoso.servicebus.windows.net", "hc1"));
  // The same signature with '/' escaped, and with a raw '+': both are the same base64 text.
  CHECK(sas::signature_valid(parse_ok(
      "SharedAccessSignature sig=jbwz1HihHICm%2FOC9b1kso9uBig9QIaZBHmmW0w+W4l0=&se=1700010800&skn=send"
      "&sr=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1"), key));
  // Case-insensitive prefix and keys.
  CHECK(sas::signature_valid(parse_ok(
      "sharedaccesssignature SIG=jbwz1HihHICm/OC9b1kso9uBig9QIaZBHmmW0w%2BW4l0%3D&Se=1700010800&SKN=send"
      "&sR=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1"), key));
}

TEST_CASE("sas: signature covers sr and se exactly as received", "[sas]") {
  auto t = parse_ok("SharedAccessSignature sr=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1%2F"
                    "&sig=huPsCOhC79Bny1HJLnuyhq0DYOIJV79DFkyvy6966C0%3D&se=1700000000&skn=RootManageSharedAccessKey");
  // Same decoded audience, different escapes: a different signed string, so the signature no longer matches.
  auto relowered = parse_ok("SharedAccessSignature sr=http%3a%2F%2Fcontoso.servicebus.windows.net%2Fhc1%2F"
                            "&sig=huPsCOhC79Bny1HJLnuyhq0DYOIJV79DFkyvy6966C0%3D&se=1700000000&skn=x");
  CHECK_FALSE(sas::signature_valid(relowered, key));
  auto later = parse_ok("SharedAccessSignature sr=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1%2F"
                        "&sig=huPsCOhC79Bny1HJLnuyhq0DYOIJV79DFkyvy6966C0%3D&se=1700000001&skn=x");
  CHECK_FALSE(sas::signature_valid(later, key));
  auto leading_zero = parse_ok("SharedAccessSignature sr=http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhc1%2F"
                               "&sig=huPsCOhC79Bny1HJLnuyhq0DYOIJV79DFkyvy6966C0%3D&se=01700000000&skn=x");
  CHECK(leading_zero.se == 1700000000);
  CHECK_FALSE(sas::signature_valid(leading_zero, key));  // "01700000000" was not what was signed
  t.sig.pop_back();
  CHECK_FALSE(sas::signature_valid(t, key));
}

TEST_CASE("sas: parse_token rejects malformed tokens", "[sas]") {
  const auto bad = [](std::string_view text) {
    INFO(text);
    CHECK_FALSE(sas::parse_token(text).has_value());
  };
  bad("");
  bad("SharedAccessSignature");
  bad("SharedAccessSignaturesr=a&sig=b&se=1&skn=c");
  bad("Bearer sr=a&sig=b&se=1&skn=c");
  bad("SharedAccessSignature sr=a&sig=b&se=1");          // skn missing
  bad("SharedAccessSignature sr=a&sig=b&skn=c");         // se missing
  bad("SharedAccessSignature sr=a&sig=b&se=soon&skn=c");
  bad("SharedAccessSignature sr=a&sig=b&se=-1&skn=c");
  bad("SharedAccessSignature sr=a&sig=b&se=1&skn=c&sr=d");  // repeated field
  bad("SharedAccessSignature sr=a&sig=b&se=1&skn=c&junk");
  bad("SharedAccessSignature sr=a&sig=b &se=1&skn=c");
  const auto ok = parse_ok("  SharedAccessSignature   sr=a&&sig=b&se=1&skn=c&extra=1 ");
  CHECK(ok.sr == "a");
  CHECK(ok.se_raw == "1");
}

TEST_CASE("sas: audience_covers rules", "[sas]") {
  const auto covers = [](std::string_view sr, std::string_view host, std::string_view path) {
    auto t = sas::parse_token("SharedAccessSignature sr=" + sas::url_encode(sr) + "&sig=x&se=1&skn=k");
    REQUIRE(t.has_value());
    return sas::audience_covers(*t, host, path);
  };
  CHECK(covers("http://ns/hc1/", "ns", "hc1"));
  CHECK(covers("https://ns/hc1", "ns", "/hc1/"));            // scheme ignored, slashes ignored
  CHECK(covers("sb://ns:9555/hc1", "ns:443", "hc1"));        // ports ignored
  CHECK(covers("wss://ns/$hc/hc1", "ns", "hc1"));            // $hc/ stripped
  CHECK(covers("http://NS/HC1/", "ns", "hc1"));              // case-insensitive
  CHECK(covers("http://ns/", "ns", "anything/below"));       // namespace-wide token
  CHECK(covers("http://ns", "ns", "hc1"));
  CHECK(covers("http://ns/a/", "ns", "a/b/c"));              // parent at a segment boundary
  CHECK_FALSE(covers("http://ns/a/b/", "ns", "a"));          // a child does not cover its parent
  CHECK_FALSE(covers("http://ns/hc", "ns", "hc1"));          // not at a segment boundary
  CHECK_FALSE(covers("http://other/hc1/", "ns", "hc1"));
  CHECK_FALSE(covers("http://ns.evil/hc1/", "ns", "hc1"));
  CHECK(covers("http://[::1]:9555/hc1", "[::1]:443", "hc1"));
  CHECK(covers("http://127.0.0.1:9555/hc1?x=1", "127.0.0.1", "hc1"));
  CHECK(covers("http://ns/a%20b/", "ns", "a b"));            // the URI's own escapes decoded
}
