// RelayConnectionStringBuilder compatibility: parsing rules, validation and ToString().
#include "azbridge/protocol/connection_string.hpp"

#include <catch2/catch.hpp>

using azbridge::protocol::connection_string;
using namespace std::chrono_literals;

namespace {
connection_string parse_ok(std::string_view text) {
  auto r = connection_string::parse(text);
  INFO(text);
  REQUIRE(r.has_value());
  return *r;
}
std::string parse_error(std::string_view text) {
  auto r = connection_string::parse(text);
  INFO(text);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}
}  // namespace

TEST_CASE("connection string: the azbridge test's string round-trips exactly", "[connection_string]") {
  const auto cs = parse_ok("Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abcdefgh");
  CHECK(cs.endpoint == "sb://cvrelay.servicebus.windows.net/");
  CHECK(cs.shared_access_key_name == "send");
  CHECK(cs.shared_access_key == "abcdefgh");
  CHECK_FALSE(cs.validate().has_value());
  CHECK(cs.to_string() == "Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abcdefgh;");
}

TEST_CASE("connection string: keys are case-insensitive, values split on the first '='", "[connection_string]") {
  const auto cs = parse_ok("endpoint=sb://ns.servicebus.windows.net/;ENTITYPATH=db;sharedaccesskeyname=k;"
                           "SHAREDACCESSKEY=abc==;");
  CHECK(cs.entity_path == "db");
  CHECK(cs.shared_access_key == "abc==");  // base64 padding survives: only the first '=' splits
}

TEST_CASE("connection string: empty entries are skipped", "[connection_string]") {
  const auto cs = parse_ok(";;Endpoint=sb://ns/;;EntityPath=a;");
  CHECK(cs.endpoint == "sb://ns/");
  CHECK(cs.entity_path == "a");
  CHECK(parse_ok("Endpoint=sb://ns/;EntityPath=").entity_path.empty());  // "key=" is a present, empty value
}

TEST_CASE("connection string: errors carry the SDK's messages", "[connection_string]") {
  CHECK(parse_error("Endpoint=sb://ns/;Foo=bar") == "The connection string contains unknown parameter 'Foo'.");
  CHECK(parse_error("Endpoint=sb://ns/;SharedAccessKey") ==
        "The value for the connection string parameter 'SharedAccessKey' is empty or missing.");
  CHECK(parse_error("Endpoint=total^^^garbage") == "'Endpoint' is not a valid Absolute Uri.");
  CHECK(parse_error("Endpoint=/relative/path") == "'Endpoint' is not a valid Absolute Uri.");
  CHECK(parse_error("Endpoint=ns.servicebus.windows.net") == "'Endpoint' is not a valid Absolute Uri.");
  // Found by config_yaml_fuzzer: Boost 1.81 reads "sb://host:t" as an empty port and the path "t", which printed
  // as "sb://hostt" (another host). A port is digits, and a path after the authority starts with '/'.
  for (const char* bad : {"sb://cvrelay.servicebus.windows.nRemoteForwaerd:t", "sb://ns:t/", "sb://ns:1x", "sb://[::1]:x",
                          "sb://u@ns:p"}) {
    CHECK(parse_error(std::string("Endpoint=") + bad) == "'Endpoint' is not a valid Absolute Uri.");
  }
  CHECK(parse_error("Endpoint=sb://ns/;OperationTimeout=soon") == "'OperationTimeout' is not a valid TimeSpan.");
  CHECK(parse_error("Endpoint=sb://ns/;OperationTimeout=00:00:00") ==
        "Argument OperationTimeout must be a positive timeout value. The provided value was 00:00:00.");
  CHECK(parse_error("Endpoint=sb://ns/;OperationTimeout=-00:01:00").find("positive") != std::string::npos);
  CHECK_FALSE(parse_error("").empty());
  CHECK(parse_error("Endpoint =sb://ns/") == "The connection string contains unknown parameter 'Endpoint '.");
}

TEST_CASE("connection string: OperationTimeout accepts .NET TimeSpan forms", "[connection_string]") {
  const auto timeout = [](std::string_view text) { return parse_ok("Endpoint=sb://ns/;OperationTimeout=" + std::string(text)).operation_timeout; };
  CHECK(timeout("00:01:00") == 1min);
  CHECK(timeout("00:02") == 2min);             // hh:mm
  CHECK(timeout("1") == 24h);                  // whole days
  CHECK(timeout("1.02:03:04") == 24h + 2h + 3min + 4s);
  CHECK(timeout("1:02:03:04") == 24h + 2h + 3min + 4s);
  CHECK(timeout("00:00:01.5") == 1500ms);
  CHECK(timeout(" 00:00:30 ") == 30s);
  CHECK_FALSE(connection_string::parse("Endpoint=sb://ns/;OperationTimeout=00:60:00").has_value());
  CHECK_FALSE(connection_string::parse("Endpoint=sb://ns/;OperationTimeout=24:00:00").has_value());
  CHECK_FALSE(connection_string::parse("Endpoint=sb://ns/;OperationTimeout=00:00:01.12345678").has_value());
  CHECK_FALSE(connection_string::parse("Endpoint=sb://ns/;OperationTimeout=1.5").has_value());
  CHECK_FALSE(parse_ok("Endpoint=sb://ns/").operation_timeout.has_value());
}

TEST_CASE("connection string: to_string prints OperationTimeout only when not one minute", "[connection_string]") {
  CHECK(parse_ok("Endpoint=sb://ns/;OperationTimeout=00:01:00").to_string() == "Endpoint=sb://ns/;");
  CHECK(parse_ok("Endpoint=sb://ns/;OperationTimeout=00:02").to_string() == "Endpoint=sb://ns/;OperationTimeout=00:02:00;");
  CHECK(parse_ok("Endpoint=sb://ns/;OperationTimeout=1.00:00:01.25").to_string() ==
        "Endpoint=sb://ns/;OperationTimeout=1.00:00:01.2500000;");
}

TEST_CASE("connection string: Endpoint printed as an absolute URI", "[connection_string]") {
  CHECK(parse_ok("Endpoint=sb://ns.servicebus.windows.net").to_string() == "Endpoint=sb://ns.servicebus.windows.net/;");
  CHECK(parse_ok("Endpoint=SB://NS.Servicebus.Windows.Net:9443/a").to_string() == "Endpoint=sb://ns.servicebus.windows.net:9443/a;");
  CHECK(parse_ok("Endpoint=https://ns:443").absolute_endpoint() == "https://ns/");
  CHECK(parse_ok("Endpoint= sb://ns/ ").endpoint == "sb://ns/");
}

TEST_CASE("connection string: field order and Authentication in to_string", "[connection_string]") {
  const auto cs = parse_ok("SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z;EntityPath=hc;Endpoint=sb://ns/");
  CHECK(cs.to_string() ==
        "Endpoint=sb://ns/;EntityPath=hc;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z;");
  CHECK(cs.to_redacted_string() == "Endpoint=sb://ns/;EntityPath=hc;SharedAccessSignature=***;");
  const auto mi = parse_ok("Endpoint=sb://ns/;Authentication=Managed Identity");
  CHECK(mi.managed_identity);
  CHECK(mi.to_string() == "Endpoint=sb://ns/;Authentication=Managed Identity;");
  CHECK(parse_ok("Endpoint=sb://ns/;authentication=managedidentity").managed_identity);
  CHECK_FALSE(parse_ok("Endpoint=sb://ns/;Authentication=Other").managed_identity);
  CHECK(parse_ok("Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=secret").to_redacted_string() ==
        "Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=***;");
}

TEST_CASE("connection string: validate() combinations", "[connection_string]") {
  const auto reason = [](std::string_view text) { return parse_ok(text).validate(); };
  CHECK(reason("EntityPath=a") == "Value cannot be null. (Parameter 'Endpoint')");
  CHECK_FALSE(reason("Endpoint=sb://ns/").has_value());  // no credentials at all: Entra ID path in azbridge
  CHECK_FALSE(reason("Endpoint=sb://ns/;SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1&skn=c").has_value());
  CHECK(reason("Endpoint=sb://ns/;SharedAccessSignature=s;SharedAccessKeyName=k") ==
        "SharedAccessSignature cannot be specified along with SharedAccessKeyName. SharedAccessSignature alone "
        "should be sufficient to Authenticate the request.");
  CHECK(reason("Endpoint=sb://ns/;SharedAccessSignature=s;SharedAccessKey=k")->find("SharedAccessKey.") != std::string::npos);
  CHECK(reason("Endpoint=sb://ns/;SharedAccessKeyName=k") ==
        "Ensure either all or none of the following arguments are defined: 'SharedAccessKeyName,SharedAccessKey'.");
  CHECK(reason("Endpoint=sb://ns/;SharedAccessKey=k").has_value());
  CHECK(reason("Endpoint=sb://ns/;SharedAccessKeyName= ;SharedAccessKey=k").has_value());  // blank counts as absent
  CHECK(reason("Endpoint=sb://ns/;Authentication=ManagedIdentity;SharedAccessKeyName=k;SharedAccessKey=v").has_value());
  CHECK_FALSE(reason("Endpoint=sb://ns/;Authentication=ManagedIdentity").has_value());
}
