// Single-value rules of azbridge-compat.md §1.6 and their messages.
#include "azbridge/config/validate.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::config;
namespace v = azbridge::config::validate;

TEST_CASE("relay and port names follow RelayNameRegex") {
  for (auto ok : {"a", "db", "foo_bar", "foo/bar", "foo.bar", "foo-bar", "A1"}) CHECK(v::is_name(ok));
  for (auto bad : {"", "foo^bar", "a b", "a:b", "a\\b", "ä"}) CHECK_FALSE(v::is_name(bad));
  CHECK(v::relay_name("foo^^^bar")->find("Invalid RelayName value: 'foo^^^bar'") == 0);
  CHECK_FALSE(v::port_name("sql1"));
}

TEST_CASE("quotes and blanks around values are trimmed as azbridge's setters do") {
  CHECK(v::trim_quotes("\"127.0.1.0\"") == "127.0.1.0");
  CHECK(v::trim_quotes(" '[::1]' ") == "[::1]");
  CHECK(v::trim_quotes("plain") == "plain");
}

TEST_CASE("ints parse like int.TryParse, ports accept the U suffix") {
  CHECK(v::parse_int("123") == 123);
  CHECK(v::parse_int(" -5 ") == -5);
  CHECK(v::parse_int("+7") == 7);
  CHECK(v::parse_int("2147483647") == 2147483647);
  CHECK(v::parse_int("-2147483648") == -2147483647 - 1);
  CHECK_FALSE(v::parse_int("2147483648"));
  CHECK_FALSE(v::parse_int("12a"));
  CHECK_FALSE(v::parse_int(""));
  CHECK_FALSE(v::parse_int("-"));
  CHECK(v::parse_port_token("3434U") == -3434);
  CHECK_FALSE(v::parse_port_token("3434u"));
  CHECK_FALSE(v::parse_port_token("U"));
  CHECK_FALSE(v::parse_port_token("99999999999U"));
}

TEST_CASE("port ranges") {
  CHECK_FALSE(v::bind_port(1));
  CHECK_FALSE(v::bind_port(65535));
  CHECK_FALSE(v::bind_port(-65535));
  CHECK(v::bind_port(0));
  CHECK(v::bind_port(65536));
  CHECK(v::bind_port(-65536));  // azbridge accepts -65536; no such UDP port exists
  CHECK(*v::bind_port(70000) ==
        "Invalid BindPort value: 70000. Must be in the IP port range 1..65535 (negative port numbers for UDP)");
  CHECK(v::host_port(70000)->find("Invalid HostPort value: 70000") == 0);
  CHECK_FALSE(v::host_port(-1));
}

TEST_CASE("host names as System.Uri.CheckHostName classifies them") {
  using k = v::host_kind;
  CHECK(v::classify_host("10.1.1.1") == k::ipv4);
  CHECK(v::classify_host("::1") == k::ipv6);
  CHECK(v::classify_host("[::1]") == k::ipv6);
  CHECK(v::classify_host("fe80::1%eth0") == k::ipv6);
  CHECK(v::classify_host("service.example.com") == k::dns);
  CHECK(v::classify_host("localhost") == k::dns);
  CHECK(v::classify_host("my_host") == k::dns);
  CHECK(v::classify_host("abc^^$foo") == k::invalid);
  CHECK(v::classify_host("") == k::invalid);
  CHECK(v::classify_host("-lead.example.com") == k::invalid);
  CHECK(v::classify_host("a..b") == k::invalid);
  CHECK(v::host("foo^^^bar")->find("Invalid Host value") == 0);
  CHECK(v::host_name("10.1.1.1"));  // HostName must be a DNS name
  CHECK_FALSE(v::host_name("foo.example.com"));
}

TEST_CASE("bind addresses must be local (CommandLineBad/GoodBindAddressTest)") {
  auto local = test::fake_local;
  CHECK_FALSE(v::bind_address("localhost", local));
  CHECK_FALSE(v::bind_address("127.0.1.0", local));
  CHECK_FALSE(v::bind_address("[::1]", local));
  for (auto any : {"0.0.0.0", "::", "any", "ANY", "anyv6"}) CHECK_FALSE(v::bind_address(any, local));
  auto bad_syntax = v::bind_address("abc^^$foo", local);
  REQUIRE(bad_syntax);
  CHECK(bad_syntax->find("-b") != std::string::npos);
  CHECK(*bad_syntax ==
        "Invalid -b/BindAddress value: 'abc^^$foo'. Must be a valid IPv4, IPv6, or DNS host name expression "
        "bindable on the local host");
  CHECK(v::bind_address("1.1.1.1", local)->find("-b") != std::string::npos);
  CHECK(v::bind_address("bing.com", local)->find("-b") != std::string::npos);
  CHECK(v::bind_address("1.1.1.1", local, "BindAddress")->find("Invalid BindAddress value") == 0);
  CHECK_FALSE(v::bind_address("1.1.1.1", nullptr));  // syntax only
}

TEST_CASE("the system locality check knows loopback and literals without DNS") {
  CHECK(is_local_host("127.0.0.1"));
  CHECK(is_local_host("127.0.0.4"));
  CHECK(is_local_host("localhost"));
  CHECK_FALSE(is_local_host("1.1.1.1"));
  CHECK_FALSE(is_local_host("192.0.2.1"));  // TEST-NET-1, never assigned to this machine
}

TEST_CASE("base64 as Convert.FromBase64String accepts it") {
  CHECK(v::is_base64("abcdefgh"));
  CHECK(v::is_base64("e29y7Y09bQpdcc/0KfO4WYUOJIMvs6I8cNM8EZpAdHQ="));
  CHECK(v::is_base64("P0CQgKxRl8S0ABAlmbitHDEWfwWUQzKB34J0w48SB/w="));
  CHECK(v::is_base64("YQ=="));
  CHECK(v::is_base64("Y Q = ="));
  CHECK(v::is_base64(""));
  CHECK_FALSE(v::is_base64("^^^^"));
  CHECK_FALSE(v::is_base64("abc"));
  CHECK_FALSE(v::is_base64("a==="));
  CHECK_FALSE(v::is_base64("ab=c"));
  CHECK_FALSE(v::is_base64("YQ==YQ=="));
}

TEST_CASE("key, key name, endpoint and signature messages name the option and never echo secrets") {
  auto key = v::key("^^^^secret");
  REQUIRE(key);
  CHECK(key->find("-k") != std::string::npos);
  CHECK(key->find("secret") == std::string::npos);
  CHECK_FALSE(v::key("e29y7Y09bQpdcc/0KfO4WYUOJIMvs6I8cNM8EZpAdHQ="));

  CHECK(v::key_name("^^^^")->find("-K") != std::string::npos);
  CHECK_FALSE(v::key_name("sendlisten"));
  CHECK_FALSE(v::key_name("Root_Manage-Key1"));
  CHECK(v::key_name(std::string(257, 'a')));

  CHECK(v::endpoint("^^^^")->find("-e") != std::string::npos);
  CHECK(v::endpoint("relative/path"));
  CHECK_FALSE(v::endpoint("sb://cvrelay.servicebus.windows.net/"));
  CHECK_FALSE(v::endpoint("ws://127.0.0.1:9555/"));
  CHECK(v::endpoint("sb://ns.servicebus.windows.net:t"));  // not an empty port and a path "t" (Boost 1.81 would)
  CHECK(v::endpoint("sb://ns:443x/"));
  CHECK(v::endpoint("sb://ns/a;b")->find("';' cannot appear") != std::string::npos);  // ends a connection-string field

  auto sig = v::signature("SharedAccessSignature sr=x&sig=topsecret");
  REQUIRE(sig);
  CHECK(sig->find("-s") != std::string::npos);
  CHECK(sig->find("topsecret") == std::string::npos);
}

TEST_CASE("connection strings: parsed, validated, and redacted in messages") {
  auto ok = v::connection_string(
      "Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abcdefgh");
  REQUIRE(ok);
  CHECK(ok->shared_access_key_name == "send");

  auto garbage = v::connection_string("Endpoint=total^^^garbage");
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().find("Invalid -x/AzureRelayConnectionString value.") == 0);
  CHECK(garbage.error().find("-x") != std::string::npos);

  auto combo = v::connection_string("Endpoint=sb://a.b/;SharedAccessKeyName=n;SharedAccessKey=hush;"
                                    "SharedAccessSignature=SharedAccessSignature sr=a&sig=psst&se=1&skn=n");
  REQUIRE_FALSE(combo);
  CHECK(combo.error().find("hush") == std::string::npos);
  CHECK(combo.error().find("psst") == std::string::npos);

  CHECK(v::redact_connection_string_text("Endpoint=sb://x/;SharedAccessKey=abc;sharedaccesssignature=x=y") ==
        "Endpoint=sb://x/;SharedAccessKey=***;sharedaccesssignature=***");
}

TEST_CASE("other scalar ranges (ConfigBadConnectionAttempts/ConnectTimeoutTest)") {
  CHECK(v::connection_attempts(0));
  CHECK(v::connection_attempts(11));
  CHECK_FALSE(v::connection_attempts(1));
  CHECK_FALSE(v::connection_attempts(10));
  CHECK(v::connect_timeout(-1));
  CHECK(v::connect_timeout(121));
  CHECK_FALSE(v::connect_timeout(0));
  CHECK_FALSE(v::connect_timeout(120));
  CHECK(v::address_family("ipx"));
  CHECK_FALSE(v::address_family("INET6"));
  CHECK_FALSE(v::log_level("verbose"));
  CHECK_FALSE(v::log_level("Debug3"));
  CHECK(v::log_level("loud"));
}
